package io.auditshipper.exporter.gcp;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;

import java.util.List;

/**
 * Kestra's Google Cloud Logging ({@code operationalsuite}) {@code LogExporter} properties, read and checked, and the
 * limits Google documents for {@code entries.write} (https://cloud.google.com/logging/quotas). "The Logging API
 * rejects entries with timestamps more than 1 day in the future and returns an INVALID_ARGUMENT error": such an entry
 * comes back among the partial errors and is parked with that reason.
 *
 * @param credentials null for an emulator ({@link GoogleCredentialSettings#emulator})
 * @param endpoint    an {@code http://host:port} emulator (plain gRPC, no credentials) or another Cloud Logging
 *                    endpoint ({@code host:port}); null for Google's
 */
public record CloudLoggingConfig(String projectId, GoogleCredentialSettings credentials, String logName, String endpoint) {

    /**
     * "Size of an entries.write request: 10 MB"; kept half a megabyte under it, since the limit is Google's count of
     * the request and this is the sum of the entries' protobuf sizes (the request's log name and resource besides).
     */
    static final long MAX_REQUEST_BYTES = 9_500_000;
    /**
     * "Size of a LogEntry: 256 KB", and "This approximate limit is based on internal data sizes, not the actual REST API
     * request size": taken as 256 KiB of the entry's protobuf.
     */
    static final int MAX_ENTRY_BYTES = 256 * 1024;
    /** Room kept under {@link #MAX_ENTRY_BYTES} for the entry's other fields when its payload is truncated to text. */
    static final int ENTRY_FIELDS_BYTES = 1024;
    static final List<String> DEFAULT_SCOPES = List.of("https://www.googleapis.com/auth/logging.write");

    static final ExporterProperty<String> PROJECT_ID = ExporterProperty.text("projectId").required("my-gcp-project");
    /** Not Kestra's: the log the entries are written to, under the project. */
    static final ExporterProperty<String> LOG_NAME = ExporterProperty.text("logName").orElse("kestra-audit");
    /** Not Kestra's: an emulator or another endpoint. */
    static final ExporterProperty<String> ENDPOINT = ExporterProperty.text("endpoint");

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(PROJECT_ID,
            GoogleCredentialSettings.PROPERTIES, LOG_NAME, ENDPOINT);

    public static CloudLoggingConfig of(ExporterConfig config) {
        String endpoint = ENDPOINT.of(config);
        GoogleCredentialSettings credentials = GoogleCredentialSettings.emulator(endpoint) ? null
                : GoogleCredentialSettings.of(config, DEFAULT_SCOPES);
        return new CloudLoggingConfig(PROJECT_ID.of(config), credentials, LOG_NAME.of(config), endpoint);
    }
}
