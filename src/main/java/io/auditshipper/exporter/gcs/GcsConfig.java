package io.auditshipper.exporter.gcs;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.gcp.GoogleCredentialSettings;
import io.auditshipper.exporter.storage.ObjectStoreExporter;

import java.util.List;

/**
 * Kestra's GCS {@code LogExporter} properties, read and checked (the object naming ones read by ObjectStoreExporter).
 *
 * @param endpoint    another Cloud Storage host (e.g. an emulator's {@code http://host:port}); null for Google's
 * @param credentials null for an {@code http://} emulator ({@link GoogleCredentialSettings#emulator})
 */
public record GcsConfig(String bucket, String projectId, String endpoint, GoogleCredentialSettings credentials) {

    static final List<String> DEFAULT_SCOPES = List.of("https://www.googleapis.com/auth/devstorage.read_write");

    static final ExporterProperty<String> BUCKET = ExporterProperty.text("bucket").required("my-bucket");
    static final ExporterProperty<String> PROJECT_ID = ExporterProperty.text("projectId").required("my-gcp-project");
    /** Not Kestra's: an emulator or another Cloud Storage host. */
    static final ExporterProperty<String> ENDPOINT = ExporterProperty.text("endpoint");
    /** Kestra's default for GCS. */
    public static final ExporterProperty<Integer> MAX_LINES = ObjectNaming.maxLinesPerFile(100_000);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(BUCKET, PROJECT_ID, ENDPOINT,
            GoogleCredentialSettings.PROPERTIES, ObjectStoreExporter.properties(MAX_LINES));

    public static GcsConfig of(ExporterConfig config) {
        String endpoint = ENDPOINT.of(config);
        return new GcsConfig(BUCKET.of(config), PROJECT_ID.of(config), endpoint,
                GoogleCredentialSettings.emulator(endpoint) ? null : GoogleCredentialSettings.of(config, DEFAULT_SCOPES));
    }
}
