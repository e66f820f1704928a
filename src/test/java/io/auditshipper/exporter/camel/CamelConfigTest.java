package io.auditshipper.exporter.camel;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CamelConfigTest {

    private static CamelConfig settings(Map<String, Object> properties) {
        return CamelConfig.of(new ExporterConfig("siem", ExporterType.CAMEL, 100, properties));
    }

    @Test
    void aUriOfAComponentInTheJarIsTakenAsWritten() {
        assertThat(settings(Map.of("uri", "direct:my-route")).uri()).isEqualTo("direct:my-route");
    }

    @Test
    void aUriWithoutItsComponentIsRefusedNamingTheSchemeOnlyNotItsOptions() {
        assertThatThrownBy(() -> settings(Map.of("uri", "nosuch:topic?password=literal-password-value")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("logExporters.siem.uri: no Camel component 'nosuch' in this jar")
                .hasMessageNotContaining("literal-password-value");
        assertThatThrownBy(() -> settings(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.siem.uri: required by camel, e.g. uri: \"kafka:kestra-audit?brokers=localhost:9092\"");
    }
}
