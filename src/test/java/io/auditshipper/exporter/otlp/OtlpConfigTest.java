package io.auditshipper.exporter.otlp;

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

class OtlpConfigTest {

    private static final String ENDPOINT = "http://127.0.0.1:4318/v1/logs";

    @TempDir
    Path dir;

    private static OtlpConfig settings(Map<String, Object> properties) {
        return OtlpConfig.of(new ExporterConfig("otel", ExporterType.OPENTELEMETRY, 100, properties));
    }

    @Test
    void theEncodingIsTakenInAnyCaseAndSetsTheContentTypeTheSpecNames() {
        OtlpConfig defaults = settings(Map.of("otlpEndpoint", ENDPOINT));
        assertThat(defaults.encoding().contentType()).isEqualTo("application/x-protobuf");
        assertThat(defaults.serviceName()).isEqualTo("kestra");
        assertThat(defaults.authorizationHeader()).isNull();
        assertThat(settings(Map.of("otlpEndpoint", ENDPOINT, "encoding", "json")).encoding().contentType())
                .isEqualTo("application/json");
    }

    @Test
    void theAuthorizationHeaderIsSentOnlyWithBothItsNameAndItsValue() {
        assertThat(settings(Map.of("otlpEndpoint", ENDPOINT, "authorizationHeaderName", "Authorization"))
                .authorizationHeader()).isNull();
        assertThat(settings(Map.of("otlpEndpoint", ENDPOINT, "authorizationHeaderName", "Authorization",
                "authorizationHeaderValue", "Bearer abc")).authorizationHeader())
                .isEqualTo(new OtlpConfig.Header("Authorization", "Bearer abc"));
    }

    @Test
    void anEncodingOtlpHttpDoesNotHaveIsRefusedInTheUnifiedShape() {
        ExporterConfig config = new ExporterConfig("otel", ExporterType.OPENTELEMETRY, 100,
                Map.of("otlpEndpoint", ENDPOINT, "encoding", "thrift"));

        assertThatThrownBy(() -> ExporterFactory.create(config,
                new ExporterContext(dir, new RetryBudget(RetryConfig.DEFAULT), new SimpleMeterRegistry())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.otel.encoding: 'thrift' is not one of PROTOBUF, JSON (the OTLP/HTTP encoding),"
                        + " e.g. encoding: PROTOBUF");
    }
}
