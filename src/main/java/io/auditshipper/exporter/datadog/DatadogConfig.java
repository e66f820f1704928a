package io.auditshipper.exporter.datadog;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.OutsideWindow;
import io.auditshipper.exporter.TimeWindow;
import io.auditshipper.exporter.http.ApiKeyIntake;
import io.auditshipper.exporter.http.HttpClientOptions;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.RequestPacker;

import java.net.URI;
import java.time.Duration;

/**
 * Kestra's Datadog {@code LogExporter} properties, read and checked, and the limits Datadog documents for its
 * logs intake (https://docs.datadoghq.com/api/latest/logs/#send-logs).
 */
public record DatadogConfig(URI basePath, String apiKey, String ddsource, String service, String hostname,
                            String ddtags, OutsideWindow.Action outsideWindow) {

    /** "Maximum array size if sending multiple logs in an array: 1000 entries". */
    static final int MAX_ENTRIES_PER_REQUEST = 1000;
    /** "Maximum content size per payload (uncompressed): 5MB". */
    static final long MAX_REQUEST_BYTES = 5L * 1024 * 1024;

    static final ApiKeyIntake INTAKE = new ApiKeyIntake("Datadog logs intake", "/api/v2/logs", "DD-API-KEY",
            "https://http-intake.logs.datadoghq.eu", "DATADOG_API_KEY", MAX_ENTRIES_PER_REQUEST, MAX_REQUEST_BYTES,
            RequestPacker.LimitOn.UNCOMPRESSED);

    /**
     * Datadog answers 202 for a log dated outside this window, then drops it: "Log events can be submitted with a
     * timestamp that is up to 18 hours in the past" (https://docs.datadoghq.com/api/latest/logs/#send-logs), and
     * "up to 18 hours in the past and two hours in the future"
     * (https://docs.datadoghq.com/logs/log_configuration/processors/log_date_remapper/).
     */
    static final TimeWindow WINDOW = new TimeWindow("Datadog", Duration.ofHours(18), Duration.ofHours(2));

    static final ExporterProperty<URI> BASE_PATH = INTAKE.basePath();
    static final ExporterProperty<String> API_KEY = INTAKE.apiKey();
    static final ExporterProperty<String> DDSOURCE = ExporterProperty.text("ddsource").orElse("kestra");
    static final ExporterProperty<String> SERVICE = ExporterProperty.text("service").orElse("kestra");
    static final ExporterProperty<String> HOSTNAME = ExporterProperty.text("hostname")
            .orElseGet(HttpLogExporter::localHostname);
    static final ExporterProperty<String> DDTAGS = ExporterProperty.text("ddtags");
    static final ExporterProperty<OutsideWindow.Action> OUTSIDE_WINDOW = OutsideWindow.property(WINDOW);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(BASE_PATH, API_KEY, HttpClientOptions.PROPERTIES,
            DDSOURCE, SERVICE, HOSTNAME, DDTAGS, OUTSIDE_WINDOW);

    public static DatadogConfig of(ExporterConfig config) {
        return new DatadogConfig(BASE_PATH.of(config), API_KEY.of(config), DDSOURCE.of(config), SERVICE.of(config),
                HOSTNAME.of(config), DDTAGS.of(config),
                OUTSIDE_WINDOW.of(config));
    }
}
