package io.auditshipper.exporter.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureAuthorityHosts;
import com.azure.identity.ClientSecretCredentialBuilder;
import io.auditshipper.config.ExporterConfig;

/**
 * What Kestra's Azure exporters share: an Entra ID application's {@code tenantId}, {@code clientId} and
 * {@code clientSecret} (OAuth client credentials; the SDK caches the token until it expires), and
 * {@code authorityHost} for sovereign clouds or a test authority.
 */
public final class AzureCredentialSettings {

    private AzureCredentialSettings() {
    }

    public static boolean given(ExporterConfig config) {
        return config.string("tenantId", null) != null || config.string("clientId", null) != null
                || config.string("clientSecret", null) != null;
    }

    public static TokenCredential clientSecret(ExporterConfig config) {
        ClientSecretCredentialBuilder credential = new ClientSecretCredentialBuilder()
                .tenantId(config.required("tenantId", "\"{{ secret('AZURE_TENANT_ID') }}\""))
                .clientId(config.required("clientId", "\"{{ secret('AZURE_CLIENT_ID') }}\""))
                .clientSecret(config.required("clientSecret", "\"{{ secret('AZURE_CLIENT_SECRET') }}\""));
        String authorityHost = config.string("authorityHost", null);
        if (authorityHost != null) {
            // A sovereign cloud, Azure Stack or a test authority: not one Microsoft's instance discovery knows.
            credential.authorityHost(authorityHost).disableInstanceDiscovery();
        } else {
            credential.authorityHost(AzureAuthorityHosts.AZURE_PUBLIC_CLOUD);
        }
        return credential.build();
    }
}
