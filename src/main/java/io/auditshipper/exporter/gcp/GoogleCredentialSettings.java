package io.auditshipper.exporter.gcp;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ImpersonatedCredentials;
import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What Kestra's Google exporters share: {@code serviceAccount} (the key file's JSON), optionally
 * {@code impersonatedServiceAccount}, and {@code scopes}. Empty means application default credentials,
 * which the client resolves itself when it first calls (so {@code --check} runs without them).
 */
public final class GoogleCredentialSettings {

    private GoogleCredentialSettings() {
    }

    @SuppressWarnings("unchecked")
    public static List<String> scopes(ExporterConfig config, List<String> defaults) {
        return config.properties().get("scopes") instanceof List<?> list ? (List<String>) list : defaults;
    }

    public static Optional<GoogleCredentials> credentials(ExporterConfig config, List<String> defaultScopes) {
        List<String> scopes = scopes(config, defaultScopes);
        String serviceAccount = config.string("serviceAccount", null);
        String impersonate = config.string("impersonatedServiceAccount", null);
        if (serviceAccount == null && impersonate == null) {
            return Optional.empty();
        }
        try {
            GoogleCredentials source = serviceAccount == null ? GoogleCredentials.getApplicationDefault()
                    : GoogleCredentials.fromStream(new ByteArrayInputStream(serviceAccount.getBytes(StandardCharsets.UTF_8)));
            return Optional.of(impersonate == null ? source.createScoped(scopes)
                    : ImpersonatedCredentials.create(source, impersonate, null, scopes, 3600));
        } catch (IOException e) {
            throw new ConfigException("logExporters." + config.id() + ".serviceAccount: not a service account key"
                    + " (paste the key file's JSON, e.g. \"{{ secret('GCP_SERVICE_ACCOUNT') }}\")");
        }
    }
}
