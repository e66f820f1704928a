package io.auditshipper.exporter.azureblob;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.support.ExporterCheck;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Azure Blob credentials, taken in Kestra's order: application, connection string, SAS token. */
class AzureBlobConfigTest {

    private static ExporterConfig blob(Map<String, Object> changes) {
        return ExporterCheck.config("blob", ExporterType.AZURE_BLOB, Map.of("containerName", "logs"), changes);
    }

    @Test
    void anApplicationComesFirstThenTheConnectionStringThenTheSasToken() {
        AzureBlobConfig application = AzureBlobConfig.of(blob(Map.of("tenantId", "contoso.onmicrosoft.com", "clientId", "app",
                "clientSecret", "the-client-secret", "endpoint", "https://myaccount.blob.core.windows.net/",
                "connectionString", "AccountName=a;AccountKey=the-account-key")));
        assertThat(application.application()).isNotNull();
        assertThat(application.connectionString()).isNull();

        AzureBlobConfig sas = AzureBlobConfig.of(blob(Map.of("sasToken", "sv=2024&sig=the-signature",
                "endpoint", "https://myaccount.blob.core.windows.net/")));
        assertThat(sas.sasToken()).isEqualTo("sv=2024&sig=the-signature");
        assertThat(sas.endpoint()).isEqualTo(URI.create("https://myaccount.blob.core.windows.net/"));
        assertThat(sas.toString()).contains("myaccount").doesNotContain("the-signature");
    }

    @Test
    void aConnectionStringOrASasTokenAloneIsNoMissingApplicationInTheCheckOfTheProperties() {
        assertThat(ExporterType.AZURE_BLOB.problems(blob(Map.of("connectionString", "AccountName=a;AccountKey=the-key"))))
                .isEmpty();
        assertThat(ExporterType.AZURE_BLOB.problems(blob(Map.of("sasToken", "sv=2024&sig=the-signature",
                "endpoint", "https://myaccount.blob.core.windows.net/")))).isEmpty();
        // Azure Monitor has no other way: its application is checked with the rest.
        assertThat(ExporterType.AZURE_MONITOR.problems(ExporterCheck.config("monitor", ExporterType.AZURE_MONITOR,
                Map.of("endpoint", "https://dce.example.com", "ruleId", "dcr-1", "streamName", "Custom-Logs"), Map.of())))
                .containsExactlyInAnyOrder(
                        "logExporters.monitor.tenantId: required by io.kestra.plugin.ee.azure.monitor.LogExporter,"
                                + " e.g. tenantId: \"{{ secret('AZURE_TENANT_ID') }}\"",
                        "logExporters.monitor.clientId: required by io.kestra.plugin.ee.azure.monitor.LogExporter,"
                                + " e.g. clientId: \"{{ secret('AZURE_CLIENT_ID') }}\"",
                        "logExporters.monitor.clientSecret: required by io.kestra.plugin.ee.azure.monitor.LogExporter,"
                                + " e.g. clientSecret: \"{{ secret('AZURE_CLIENT_SECRET') }}\"");
    }

    @Test
    void anApplicationOrASasTokenNeedsTheEndpoint() {
        assertThatThrownBy(() -> AzureBlobConfig.of(blob(Map.of("sasToken", "sv=2024&sig=the-signature"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.blob.endpoint: required by io.kestra.plugin.ee.azure.storage.LogExporter,"
                        + " e.g. endpoint: https://myaccount.blob.core.windows.net/");
    }

    @Test
    void withoutAnyCredentialTheErrorListsTheThreeWays() {
        assertThatThrownBy(() -> AzureBlobConfig.of(blob(Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.blob: no credentials for Azure Blob Storage; give tenantId, clientId and"
                        + " clientSecret (with endpoint), or connectionString, or sasToken (with endpoint)");
    }
}
