package io.auditshipper.exporter.gcp;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ImpersonatedCredentials;
import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What Kestra's Google exporters share: {@code serviceAccount} (the key file's JSON), optionally
 * {@code impersonatedServiceAccount}, and {@code scopes}. Neither account given means application default
 * credentials, which the client resolves itself when it first calls (so {@code --check} runs without them).
 * The key is held only inside {@code credentials} (whose {@code toString} shows no private key).
 *
 * @param credentials the key's (or the impersonated account's) credentials, scoped; null for application defaults
 * @param scopes      the OAuth scopes asked for, the destination's own when {@code scopes} is not given
 */
public record GoogleCredentialSettings(GoogleCredentials credentials, List<String> scopes) {

    /** Seconds an impersonated account's token lives: the IAM Credentials API's default maximum (one hour). */
    private static final int IMPERSONATED_TOKEN_SECONDS = 3600;

    static final ExporterProperty<String> SERVICE_ACCOUNT = ExporterProperty.text("serviceAccount");
    static final ExporterProperty<String> IMPERSONATED_SERVICE_ACCOUNT = ExporterProperty.text("impersonatedServiceAccount");
    static final ExporterProperty<List<String>> SCOPES = ExporterProperty.list("scopes");

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(SERVICE_ACCOUNT,
            IMPERSONATED_SERVICE_ACCOUNT, SCOPES);

    /** The exporter's credentials, with {@code defaultScopes} when it gives no {@code scopes}. */
    public static GoogleCredentialSettings of(ExporterConfig config, List<String> defaultScopes) {
        List<String> scopes = SCOPES.of(config).isEmpty() ? defaultScopes : SCOPES.of(config);
        String serviceAccount = SERVICE_ACCOUNT.of(config);
        String impersonate = IMPERSONATED_SERVICE_ACCOUNT.of(config);
        if (serviceAccount == null && impersonate == null) {
            return new GoogleCredentialSettings(null, scopes);
        }
        GoogleCredentials source = serviceAccount == null ? applicationDefault(config) : key(config, serviceAccount);
        return new GoogleCredentialSettings(impersonate == null ? source.createScoped(scopes)
                : ImpersonatedCredentials.create(source, impersonate, null, scopes, IMPERSONATED_TOKEN_SECONDS), scopes);
    }

    /**
     * Whether {@code endpoint} (the exporter's own {@code endpoint} property) is an {@code http://} emulator or test
     * server, which is spoken to without credentials: none are read for it.
     */
    public static boolean emulator(String endpoint) {
        return endpoint != null && endpoint.startsWith("http://");
    }

    public Optional<GoogleCredentials> given() {
        return Optional.ofNullable(credentials);
    }

    /**
     * The key file's JSON read. Refused without the value in the message, unlike other properties: it is a private
     * key, which a task may have pasted as is rather than through {@code secret()}, so the redactor would not know it.
     */
    private static GoogleCredentials key(ExporterConfig config, String serviceAccount) {
        try {
            return GoogleCredentials.fromStream(new ByteArrayInputStream(serviceAccount.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            throw ConfigException.inExporter(config.id(), SERVICE_ACCOUNT.name(), "not a service"
                    + " account key (paste the key file's JSON, e.g. " + SERVICE_ACCOUNT.name()
                    + ": \"{{ secret('GCP_SERVICE_ACCOUNT') }}\")");
        }
    }

    /** The account that impersonates {@code impersonatedServiceAccount} when no {@code serviceAccount} is given. */
    private static GoogleCredentials applicationDefault(ExporterConfig config) {
        try {
            return GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            throw ConfigException.inExporter(config.id(), null, "impersonatedServiceAccount without serviceAccount"
                    + " impersonates from the application default credentials, and there are none here (" + e.getMessage()
                    + "); give serviceAccount, or set them up (GOOGLE_APPLICATION_CREDENTIALS)");
        }
    }
}
