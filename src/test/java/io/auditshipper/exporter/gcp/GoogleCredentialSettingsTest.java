package io.auditshipper.exporter.gcp;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.support.ExporterCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Google credential properties as the Cloud Logging exporter reads them. */
class GoogleCredentialSettingsTest {

    private static ExporterConfig logging(Map<String, Object> changes) {
        return ExporterCheck.config("gcp", ExporterType.GCP_CLOUD_LOGGING, Map.of("projectId", "my-gcp-project"), changes);
    }

    @Test
    void withoutAnAccountTheApplicationDefaultsAreLeftToTheClientWithTheDestinationsScopes() {
        GoogleCredentialSettings settings = CloudLoggingConfig.of(logging(Map.of())).credentials();

        assertThat(settings.given()).isEmpty();
        assertThat(settings.scopes()).containsExactly("https://www.googleapis.com/auth/logging.write");
    }

    /** It was ignored unless written as a YAML list: the destination's default scopes were asked for instead. */
    @Test
    void oneScopeWrittenAsTextIsAListOfOne() {
        assertThat(CloudLoggingConfig.of(logging(Map.of("scopes", "https://www.googleapis.com/auth/cloud-platform")))
                .credentials().scopes()).containsExactly("https://www.googleapis.com/auth/cloud-platform");
        assertThat(CloudLoggingConfig.of(logging(Map.of("scopes", List.of("a", "b")))).credentials().scopes())
                .containsExactly("a", "b");
    }

    @Test
    void aServiceAccountThatIsNoKeyIsRefusedWithoutPrintingIt() {
        assertThatThrownBy(() -> CloudLoggingConfig.of(logging(Map.of("serviceAccount", "{\"private_key\": \"pasted-key\"}"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("logExporters.gcp.serviceAccount: not a service account key")
                .message().doesNotContain("pasted-key");
    }

    @Test
    void anEmulatorTakesNoCredentials() {
        CloudLoggingConfig config = CloudLoggingConfig.of(logging(Map.of("endpoint", "http://127.0.0.1:8085",
                "serviceAccount", "not read for an emulator")));

        assertThat(config.credentials()).isNull();
        assertThat(GoogleCredentialSettings.emulator(config.endpoint())).isTrue();
    }
}
