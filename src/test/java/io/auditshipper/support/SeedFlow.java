package io.auditshipper.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The seed's example flow (all 13 exporters), pasted as it is, and values for its secrets. */
public final class SeedFlow {

    public static final Map<String, String> SECRETS = Map.of(
            "AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY", "AWS_SECRET_KEY_ID", "aws-secret-value-123",
            "AZURE_TENANT_ID", "tenant-0001", "AZURE_CLIENT_ID", "client-0001",
            "AZURE_CLIENT_SECRET", "azure-secret-value-456", "DATADOG_API_KEY", "dd-key-789",
            "ES_PASSWORD", "es-password-000", "NEWRELIC_API_KEY", "nr-key-321", "OTEL_TOKEN", "otel-token-654");

    private SeedFlow() {
    }

    public static String yaml() throws IOException {
        try (InputStream in = SeedFlow.class.getResourceAsStream("/seed-flow.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The flow with the {@code variables: {region: ...}} its S3 exporter refers to. */
    public static String withRegionVariable() throws IOException {
        return yaml().replace("tasks:", "variables:\n  region: eu-west-1\n\ntasks:");
    }
}
