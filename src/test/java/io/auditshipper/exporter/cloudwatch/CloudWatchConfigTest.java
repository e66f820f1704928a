package io.auditshipper.exporter.cloudwatch;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.exporter.OutsideWindow;
import io.auditshipper.support.ExporterCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kestra's CloudWatch properties as CloudWatchConfig reads them. */
class CloudWatchConfigTest {

    @TempDir
    Path dir;

    private static ExporterConfig cloudwatch(Map<String, Object> changes) {
        return ExporterCheck.config("cw", ExporterType.AWS_CLOUDWATCH, Map.of("region", "us-east-1", "logGroupName", "kestra",
                "logStreamName", "production"), changes);
    }

    @Test
    void createsMissingGroupsAndParksLogsOutsideTheWindowByDefault() {
        CloudWatchConfig config = CloudWatchConfig.of(cloudwatch(Map.of()));

        assertThat(config.createMissing()).isTrue();
        assertThat(config.outsideWindow()).isEqualTo(OutsideWindow.Action.DEAD_LETTER);
        assertThat(CloudWatchConfig.of(cloudwatch(Map.of("createMissing", false))).createMissing()).isFalse();
    }

    /** It was read with Boolean.parseBoolean: a "yes" meant false, and a missing group then failed every pass. */
    @Test
    void createMissingIsTrueOrFalseAndAnythingElseIsRefused() {
        assertThatThrownBy(() -> ExporterCheck.create(cloudwatch(Map.of("createMissing", "yes")), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.cw.createMissing: 'yes' is not true or false, e.g. createMissing: true");
    }

    @Test
    void theGroupAndStreamAreRequired() {
        assertThatThrownBy(() -> CloudWatchConfig.of(cloudwatch(Map.of("logStreamName", ""))))
                .hasMessage("logExporters.cw.logStreamName: required by io.kestra.plugin.ee.aws.cloudwatch.LogExporter,"
                        + " e.g. logStreamName: production");
    }
}
