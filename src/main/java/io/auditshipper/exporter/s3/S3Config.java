package io.auditshipper.exporter.s3;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.aws.AwsClientSettings;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.storage.ObjectStoreExporter;

/** Kestra's S3 {@code LogExporter} properties, read and checked (the object naming ones read by ObjectStoreExporter). */
public record S3Config(String bucket, AwsClientSettings client) {

    static final ExporterProperty<String> BUCKET = ExporterProperty.text("bucket").required("logbucket");
    /** Kestra's default for S3. */
    public static final ExporterProperty<Integer> MAX_LINES = ObjectNaming.maxLinesPerFile(1_000_000);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(BUCKET, AwsClientSettings.PROPERTIES,
            ObjectStoreExporter.properties(MAX_LINES));

    public static S3Config of(ExporterConfig config) {
        return new S3Config(BUCKET.of(config), AwsClientSettings.of(config));
    }
}
