package io.auditshipper.exporter.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureAuthorityHosts;
import com.azure.identity.ClientSecretCredentialBuilder;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;

import java.net.URI;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What Kestra's Azure exporters share: an Entra ID application's {@code tenantId}, {@code clientId} and
 * {@code clientSecret} (OAuth client credentials; the SDK caches the token until it expires), and
 * {@code authorityHost} for sovereign clouds or a test authority. The secret is held only inside {@code credential}.
 */
public record AzureCredentialSettings(TokenCredential credential) {

    /** Refused here rather than by the SDK's builder, which takes only these characters (and throws otherwise). */
    static final ExporterProperty<String> TENANT_ID = ExporterProperty.text("tenantId")
            .where(id -> id.chars().allMatch(c -> c == '.' || c == '-' || Character.isLetterOrDigit(c) && c < 128),
                    "a tenant id (a GUID, or the tenant's domain name)")
            .required("\"{{ secret('AZURE_TENANT_ID') }}\"");
    static final ExporterProperty<String> CLIENT_ID = ExporterProperty.text("clientId")
            .required("\"{{ secret('AZURE_CLIENT_ID') }}\"");
    static final ExporterProperty<String> CLIENT_SECRET = ExporterProperty.text("clientSecret")
            .required("\"{{ secret('AZURE_CLIENT_SECRET') }}\"");
    /** Microsoft's public cloud when absent; the SDK's builder takes https only (and throws otherwise). */
    static final ExporterProperty<URI> AUTHORITY_HOST = ExporterProperty.httpUrl("authorityHost")
            .where(uri -> "https".equals(uri.getScheme()), "an https URL with a host (Entra ID is asked over TLS only)");

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(TENANT_ID, CLIENT_ID, CLIENT_SECRET,
            AUTHORITY_HOST);
    /**
     * The same properties where the application is one choice of credentials among others ({@link #ifGiven}): none
     * is required by the check of the exporter's properties, all three are once one is given.
     */
    public static final ExporterProperties IF_GIVEN = ExporterProperties.of(TENANT_ID.optional(), CLIENT_ID.optional(),
            CLIENT_SECRET.optional(), AUTHORITY_HOST);

    /** The application's credential: {@code tenantId}, {@code clientId} and {@code clientSecret} all required. */
    public static AzureCredentialSettings of(ExporterConfig config) {
        ClientSecretCredentialBuilder credential = new ClientSecretCredentialBuilder()
                .tenantId(TENANT_ID.of(config))
                .clientId(CLIENT_ID.of(config))
                .clientSecret(CLIENT_SECRET.of(config));
        URI authorityHost = AUTHORITY_HOST.of(config);
        if (authorityHost != null) {
            // A sovereign cloud, Azure Stack or a test authority: not one Microsoft's instance discovery knows.
            credential.authorityHost(authorityHost.toString()).disableInstanceDiscovery();
        } else {
            credential.authorityHost(AzureAuthorityHosts.AZURE_PUBLIC_CLOUD);
        }
        return new AzureCredentialSettings(credential.build());
    }

    /** The application's credential when any of its three properties is given (then all three are required), else empty. */
    public static Optional<AzureCredentialSettings> ifGiven(ExporterConfig config) {
        boolean given = Stream.of(TENANT_ID, CLIENT_ID, CLIENT_SECRET)
                .anyMatch(property -> config.properties().get(property.name()) != null);
        return given ? Optional.of(of(config)) : Optional.empty();
    }
}
