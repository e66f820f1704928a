package io.auditshipper.exporter.aws;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.support.ExporterCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kestra's AWS credential properties, read at config time (ExporterFactory.create, so at --check too). */
class AwsClientSettingsTest {

    @TempDir
    Path dir;

    private static ExporterConfig s3(Map<String, Object> changes) {
        return ExporterCheck.config("s3", ExporterType.AWS_S3, Map.of("bucket", "logbucket", "region", "eu-west-1",
                "accessKeyId", "AKIAEXAMPLE", "secretKeyId", "the-secret-key-id"), changes);
    }

    @Test
    void readsTheRegionTheKeysAndTheEndpointOverrideAndPrintsNoSecret() {
        AwsClientSettings settings = AwsClientSettings.of(s3(Map.of("sessionToken", "the-session-token",
                "endpointOverride", "http://127.0.0.1:4566")));

        assertThat(settings.region().id()).isEqualTo("eu-west-1");
        assertThat(settings.endpoint()).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(settings.credentials().resolveCredentials().accessKeyId()).isEqualTo("AKIAEXAMPLE");
        assertThat(settings.toString()).contains("eu-west-1")
                .doesNotContain("the-secret-key-id").doesNotContain("the-session-token");
    }

    @Test
    void anEndpointOverrideWithoutSchemeIsRefusedInTheCommonShape() {
        assertThatThrownBy(() -> ExporterCheck.create(s3(Map.of("endpointOverride", "localhost:4566")), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.s3.endpointOverride: 'localhost:4566' is not a URL with a scheme and a host");
    }

    @Test
    void theRegionIsRequiredAndTheKeysGoTogether() {
        assertThatThrownBy(() -> AwsClientSettings.of(s3(Map.of("region", ""))))
                .hasMessage("logExporters.s3.region: required by io.kestra.plugin.ee.aws.s3.LogExporter, e.g. region: us-east-1");
        assertThatThrownBy(() -> AwsClientSettings.of(s3(Map.of("secretKeyId", ""))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("logExporters.s3: accessKeyId and secretKeyId go together");
    }
}
