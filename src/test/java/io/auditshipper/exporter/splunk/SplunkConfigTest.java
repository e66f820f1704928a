package io.auditshipper.exporter.splunk;

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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplunkConfigTest {

    private static final Map<String, Object> REQUIRED = Map.of("host", "https://splunk.example.com:8088",
            "token", "hec-token-value");

    @TempDir
    Path dir;

    private static ExporterConfig config(Map<String, Object> more) {
        Map<String, Object> properties = new HashMap<>(REQUIRED);
        properties.putAll(more);
        return new ExporterConfig("splunk", ExporterType.SPLUNK, 100, properties);
    }

    private void create(Map<String, Object> more) {
        ExporterFactory.create(config(more), new ExporterContext(dir, new RetryBudget(RetryConfig.DEFAULT),
                new SimpleMeterRegistry()));
    }

    @Test
    void theDefaultsAreKestrasAndARequestFitsTheOldestMaxContentLength() {
        SplunkConfig settings = SplunkConfig.of(config(Map.of()));

        assertThat(settings.source()).isEqualTo("Kestra");
        assertThat(settings.compression()).isEqualTo(io.auditshipper.exporter.encoding.Compression.GZIP);
        assertThat(settings.indexerAcknowledgement()).isFalse();
        assertThat(settings.ackTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.maxRequestBytes()).isEqualTo(1_000_000);
        assertThat(settings.index()).isNull();
        assertThat(settings.hostField()).isNotBlank();
        assertThat(ExporterType.SPLUNK.accepts("options.connectTimeout")).isTrue();
    }

    @Test
    void badValuesAreRefusedInTheUnifiedShapeAndTheTokenNeverPrinted() {
        assertThatThrownBy(() -> create(Map.of("ackTimeout", "2 minutes"))).isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.splunk.ackTimeout: '2 minutes' is not a positive ISO-8601 duration,"
                        + " e.g. ackTimeout: PT2M");
        assertThatThrownBy(() -> create(Map.of("compression", "brotli"))).isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.splunk.compression: 'brotli' is not one of GZIP, NONE, e.g. compression: GZIP");
        assertThatThrownBy(() -> create(Map.of("host", "splunk.example.com:8088"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("logExporters.splunk.host: 'splunk.example.com:8088' is not an http(s) URL")
                .hasMessageNotContaining("hec-token-value");
    }
}
