package io.auditshipper.exporter.syslog;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.ExporterFactory;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.config.RetryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyslogConfigTest {

    @TempDir
    Path dir;

    private static SyslogConfig settings(Map<String, Object> properties) {
        return SyslogConfig.of(new ExporterConfig("syslog", ExporterType.SYSLOG, 100, properties));
    }

    private void create(Map<String, Object> properties) {
        ExporterFactory.create(new ExporterConfig("syslog", ExporterType.SYSLOG, 100, properties),
                new ExporterContext(dir, new RetryBudget(RetryConfig.DEFAULT), new SimpleMeterRegistry()));
    }

    @Test
    void thePortDefaultsToTheOneTheRfcsAssignToTheProtocol() {
        assertThat(settings(Map.of("host", "siem")).port()).isEqualTo(514);
        assertThat(settings(Map.of("host", "siem", "protocol", "tcp")).port()).isEqualTo(514);
        assertThat(settings(Map.of("host", "siem", "protocol", "TLS")).port()).isEqualTo(6514);
        assertThat(settings(Map.of("host", "siem", "protocol", "TLS", "port", "10514")).port()).isEqualTo(10514);
        SyslogConfig defaults = settings(Map.of("host", "siem"));
        assertThat(defaults.maxMessageBytes()).isEqualTo(8192);
        assertThat(defaults.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.skipCertVerification()).isFalse();
    }

    @Test
    void aMessageLargerThanAnIpv4UdpDatagramCarriesIsRefusedInTheUnifiedShape() {
        assertThat(settings(Map.of("host", "siem", "maxMessageBytes", "65507")).maxMessageBytes()).isEqualTo(65_507);
        assertThatThrownBy(() -> create(Map.of("host", "siem", "maxMessageBytes", "65508")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.syslog.maxMessageBytes: '65508' is not a whole number from 1 to 65507,"
                        + " e.g. maxMessageBytes: 8192");
        assertThatThrownBy(() -> create(Map.of("host", "siem", "port", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.syslog.port: '70000' is not a whole number from 1 to 65535");
    }

    @Test
    void aMissingHostAndABadFlagAreRefusedNamingTheProperty() {
        assertThatThrownBy(() -> create(Map.of("protocol", "TCP"))).isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.syslog.host: required by io.kestra.plugin.ee.syslog.LogExporter,"
                        + " e.g. host: syslog.example.com");
        assertThatThrownBy(() -> create(Map.of("host", "siem", "protocol", "TLS", "skipCertVerification", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.syslog.skipCertVerification: 'maybe' is not true or false,"
                        + " e.g. skipCertVerification: false");
    }
}
