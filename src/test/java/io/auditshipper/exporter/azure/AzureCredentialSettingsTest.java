package io.auditshipper.exporter.azure;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.support.ExporterCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Entra ID application properties: what the SDK's credential builder would throw on (an IllegalArgumentException,
 * a stack trace instead of exit 2) is refused at config time in the common shape.
 */
class AzureCredentialSettingsTest {

    @TempDir
    Path dir;

    private static ExporterConfig monitor(Map<String, Object> changes) {
        return ExporterCheck.config("azureMonitor", ExporterType.AZURE_MONITOR, Map.of(
                "endpoint", "https://my-dce.westeurope-1.ingest.monitor.azure.com", "tenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47",
                "clientId", "app", "clientSecret", "the-client-secret", "ruleId", "dcr-1", "streamName", "Custom-KestraAuditLogs"),
                changes);
    }

    @Test
    void readsTheApplicationsCredential() {
        assertThat(AzureMonitorConfig.of(monitor(Map.of("authorityHost", "https://login.microsoftonline.us"))).credentials()
                .credential()).isNotNull();
    }

    @Test
    void aTenantIdTheSdkWouldThrowOnIsRefused() {
        assertThatThrownBy(() -> ExporterCheck.create(monitor(Map.of("tenantId", "my tenant")), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.azureMonitor.tenantId: 'my tenant' is not a tenant id (a GUID, or the tenant's"
                        + " domain name), e.g. tenantId: \"{{ secret('AZURE_TENANT_ID') }}\"");
    }

    @Test
    void aPlainHttpAuthorityHostIsRefused() {
        assertThatThrownBy(() -> ExporterCheck.create(monitor(Map.of("authorityHost", "http://127.0.0.1:8443")), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.azureMonitor.authorityHost: 'http://127.0.0.1:8443' is not an https URL with a"
                        + " host (Entra ID is asked over TLS only)");
    }

    @Test
    void theClientSecretIsRequired() {
        assertThatThrownBy(() -> AzureMonitorConfig.of(monitor(Map.of("clientSecret", ""))))
                .hasMessage("logExporters.azureMonitor.clientSecret: required by io.kestra.plugin.ee.azure.monitor.LogExporter,"
                        + " e.g. clientSecret: \"{{ secret('AZURE_CLIENT_SECRET') }}\"");
    }
}
