package io.auditshipper.exporter.graylog;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.ExporterFactory;
import io.auditshipper.exporter.RetryBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GelfConfigTest {

    @TempDir
    Path dir;

    private void create(Map<String, Object> properties) {
        ExporterFactory.create(new ExporterConfig("graylog", ExporterType.GRAYLOG, 100, properties),
                new ExporterContext(dir, new RetryBudget(RetryConfig.DEFAULT), new SimpleMeterRegistry()));
    }

    @Test
    void theDefaultsAreOneGzippedMessagePerRequestWithinTheInputsDefaultChunkSize() {
        GelfConfig settings = GelfConfig.of(new ExporterConfig("graylog", ExporterType.GRAYLOG, 100,
                Map.of("endpoint", "http://graylog.example.com:12201")));

        assertThat(settings.graylogHost()).isEqualTo("Kestra");
        assertThat(settings.compression()).isEqualTo(io.auditshipper.exporter.encoding.Compression.GZIP);
        assertThat(settings.bulk()).isFalse();
        assertThat(settings.maxRequestBytes()).isEqualTo(65_536);
    }

    @Test
    void badValuesAreRefusedInTheUnifiedShape() {
        assertThatThrownBy(() -> create(Map.of("endpoint", "http://graylog:12201", "bulk", "sometimes")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.graylog.bulk: 'sometimes' is not true or false, e.g. bulk: false");
        assertThatThrownBy(() -> create(Map.of("endpoint", "http://graylog:12201", "maxRequestBytes", "64k")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.graylog.maxRequestBytes: '64k' is not a whole number above 0,"
                        + " e.g. maxRequestBytes: 65536");
        assertThatThrownBy(() -> create(Map.of("graylogHost", "kestra-prod"))).isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.graylog.endpoint: required by io.kestra.plugin.ee.graylog.LogExporter,"
                        + " e.g. endpoint: http://graylog.example.com:12201/gelf");
    }
}
