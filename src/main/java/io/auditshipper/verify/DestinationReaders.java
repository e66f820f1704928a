package io.auditshipper.verify;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.exporter.azureblob.AzureBlobObjectStore;
import io.auditshipper.exporter.elasticsearch.ElasticsearchExporter;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.file.FileExporterConfig;
import io.auditshipper.exporter.integrity.DirectoryObjects;
import io.auditshipper.exporter.integrity.StoredObjects;
import io.auditshipper.exporter.encoding.RecordFormat;
import io.auditshipper.exporter.encoding.RecordSchema;
import io.auditshipper.exporter.gcs.GcsObjectStore;
import io.auditshipper.exporter.opensearch.OpenSearchExporter;
import io.auditshipper.exporter.s3.S3ObjectStore;
import io.auditshipper.exporter.storage.ObjectStore;
import io.auditshipper.exporter.storage.ObjectStoreExporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * The reader of an exporter's destination, when it can be read back: the file exporter's directory, S3, GCS, Azure
 * Blob, Elasticsearch and OpenSearch, in the shape they were written in (NDJSON of the AuditLog as stored). The
 * others are push-only (an intake API that cannot be queried with the exporter's credentials) or were written in a
 * shape whose ids this does not read yet (Ion, the OCSF and ECS schemas): {@link Readable#skipped} says which.
 */
public final class DestinationReaders {

    /**
     * A reader, or why there is none; for the file and object-store exporters also where they write, listed and read
     * as the manifest chain's check does ({@code tamperEvident}), through the same client as the reader.
     */
    public record Readable(DestinationReader reader, String skipped, StoredObjects objects) {

        Readable(DestinationReader reader, String skipped) {
            this(reader, skipped, null);
        }
    }

    private DestinationReaders() {
    }

    /** Builds the reader (the exporter's configuration is checked as the exporter checks it: ConfigException). */
    public static Readable of(ExporterConfig exporter, ShipperConfig config) {
        ExporterType type = exporter.type();
        if (!EnumSet.of(ExporterType.FILE, ExporterType.AWS_S3, ExporterType.GCP_GCS, ExporterType.AZURE_BLOB,
                ExporterType.ELASTICSEARCH, ExporterType.OPENSEARCH).contains(type)) {
            return new Readable(null, type.kestraType() + " is not readable, skipped");
        }
        RecordSchema schema = RecordSchema.of(exporter);
        if (schema != RecordSchema.KESTRA) {
            return new Readable(null, "schema " + schema + " is not readable here yet (KESTRA only), skipped");
        }
        return switch (type) {
            case ELASTICSEARCH -> new Readable(ElasticsearchExporter.reader(exporter), null);
            case OPENSEARCH -> new Readable(OpenSearchExporter.reader(exporter), null);
            default -> objects(exporter, config);
        };
    }

    private static Readable objects(ExporterConfig exporter, ShipperConfig config) {
        ObjectNaming naming = ObjectNaming.of(exporter, ObjectNaming.maxLinesPerFile(1));
        if (naming.format() != RecordFormat.JSON) {
            return new Readable(null, naming.format() + " objects are not readable here yet (JSON only), skipped");
        }
        // A late batch's object is named after its first log, which a pass looks for back to twice the late-arrival
        // window before its start (the horizon of RecentlyShipped): the object reaches no further past its name.
        Duration slack = config.lateArrivalWindow().multipliedBy(2).plus(config.settleDelay());
        if (exporter.type() == ExporterType.FILE) {
            Path outputDirectory = FileExporterConfig.of(exporter).outputDirectory();
            Path prefixPath = outputDirectory.resolve(naming.prefix());
            Path folder = prefixPath.getParent() == null ? Path.of(".") : prefixPath.getParent();
            ObjectNaming local = new ObjectNaming(prefixPath.getFileName().toString(), naming.format(), 1);
            String location = folder.toAbsolutePath().normalize().toString();
            return new Readable(new ShippedObjectsReader("files", location, local, false, slack,
                    new DirectoryObjects(folder)), null,
                    new DirectoryObjects(outputDirectory));
        }
        ObjectStore store = switch (exporter.type()) {
            case AWS_S3 -> S3ObjectStore.from(exporter);
            case GCP_GCS -> GcsObjectStore.from(exporter);
            default -> AzureBlobObjectStore.from(exporter);
        };
        return new Readable(new ShippedObjectsReader("objects", store.describe(), naming,
                ObjectStoreExporter.gzip(exporter), slack, store), null, store);
    }
}
