package io.auditshipper.exporter.newrelic;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.http.ApiKeyIntake;
import io.auditshipper.exporter.http.HttpClientOptions;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.RequestPacker;

import java.net.URI;

/**
 * Kestra's New Relic {@code LogExporter} properties, read and checked, and the limits New Relic documents for its
 * Log API (https://docs.newrelic.com/docs/logs/log-api/introduction-log-api/#limits).
 */
public record NewRelicConfig(URI basePath, String apiKey, String service, String hostname) {

    /** "Payload total size: 1MB (10^6 bytes) maximum per POST", compressed. */
    static final long MAX_PAYLOAD_BYTES = 1_000_000;

    static final ApiKeyIntake INTAKE = new ApiKeyIntake("New Relic Log API", "/log/v1", "Api-Key",
            "https://log-api.newrelic.com", "NEWRELIC_API_KEY", Integer.MAX_VALUE, MAX_PAYLOAD_BYTES,
            RequestPacker.LimitOn.COMPRESSED);

    static final ExporterProperty<URI> BASE_PATH = INTAKE.basePath();
    static final ExporterProperty<String> API_KEY = INTAKE.apiKey();
    static final ExporterProperty<String> SERVICE = ExporterProperty.text("service").orElse("kestra");
    static final ExporterProperty<String> HOSTNAME = ExporterProperty.text("hostname")
            .orElseGet(HttpLogExporter::localHostname);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(BASE_PATH, API_KEY, HttpClientOptions.PROPERTIES,
            SERVICE, HOSTNAME);

    public static NewRelicConfig of(ExporterConfig config) {
        return new NewRelicConfig(BASE_PATH.of(config), API_KEY.of(config), SERVICE.of(config),
                HOSTNAME.of(config));
    }
}
