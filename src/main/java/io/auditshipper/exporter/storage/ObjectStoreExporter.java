package io.auditshipper.exporter.storage;

import io.auditshipper.exporter.encoding.Compression;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.integrity.Manifest;
import io.auditshipper.exporter.integrity.Sha256;
import io.auditshipper.exporter.integrity.TamperEvidence;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Kestra's storage exporters (S3, GCS, Azure Blob): each batch becomes objects of at most
 * {@code maxLinesPerFile} records, named after their first record, so a replay after a crash overwrites
 * the same objects. Each object is sent to the store's Camel endpoint; a failed upload throws, and the
 * exporter route retries the batch with backoff (re-uploading an object only overwrites it), except when
 * the store answers 401/403: the exporter fails at once, naming the credential properties to fix.
 * {@code compression: GZIP} writes {@code .gz} objects of type {@code application/gzip}: a plain archive,
 * not a {@code Content-Encoding} that some readers would silently undo. With {@code tamperEvident: true}, each
 * object's bytes (already in memory) are hashed and recorded in the manifest chain ({@link Manifest}) once uploaded.
 */
public final class ObjectStoreExporter implements LogExporter {

    private final String exporterId;
    private final ObjectStore store;
    private final ObjectNaming naming;
    private final boolean gzip;
    private final Manifest manifest;
    private ProducerTemplate producer;

    public ObjectStoreExporter(String exporterId, ObjectStore store, ObjectNaming naming, boolean gzip, boolean tamperEvident) {
        this.exporterId = exporterId;
        this.store = store;
        this.naming = naming;
        this.gzip = gzip;
        this.manifest = tamperEvident ? new Manifest(naming.prefix(), store) : null;
    }

    /** Kestra's {@code compression}: objects written gzipped ({@code GZIP}) or not ({@code NONE}, the default). */
    public static final ExporterProperty<Compression> COMPRESSION = Compression.property(Compression.NONE);

    /** The properties every storage exporter takes, with the store's {@code maxLinesPerFile}. */
    public static ExporterProperties properties(ExporterProperty<Integer> maxLinesPerFile) {
        return ExporterProperties.of(ObjectNaming.properties(maxLinesPerFile), COMPRESSION, TamperEvidence.PROPERTY);
    }

    public static ObjectStoreExporter from(ExporterConfig config, ObjectStore store, ExporterProperty<Integer> maxLinesPerFile) {
        return new ObjectStoreExporter(config.id(), store, ObjectNaming.of(config, maxLinesPerFile), gzip(config),
                TamperEvidence.enabled(config));
    }

    public static boolean gzip(ExporterConfig config) {
        return COMPRESSION.of(config) == Compression.GZIP;
    }

    @Override
    public void bind(CamelContext context) {
        store.bind(context);
        producer = context.createProducerTemplate();
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws IOException {
        for (ObjectNaming.Part part : naming.parts(records)) {
            byte[] body = encode(part.records());
            String name = gzip ? part.name() + ".gz" : part.name();
            upload(name, body, gzip ? "application/gzip" : naming.format().mediaType());
            if (manifest != null) {
                appendToManifest(name, body, part.records());
            }
        }
    }

    private void upload(String name, byte[] body, String contentType) throws IOException {
        try {
            producer.requestBodyAndHeaders(store.endpointUri(), body,
                    store.headers(new ObjectStore.StoredObject(name, body.length, contentType)));
        } catch (CamelExecutionException e) {
            // The component's own failure (status, reason) is what the retry log and the pass summary need.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            int status = statusOf(cause);
            if (status == 401 || status == 403) {
                // Wrong or insufficient credentials: retrying cannot help, and the offset must stay.
                throw new DestinationUnavailableException("exporter " + exporterId + ": " + store.describe()
                        + " answered " + status + " uploading " + name + " (" + cause.getMessage()
                        + "); check the exporter's " + store.credentialProperties(), cause);
            }
            throw new IOException("uploading " + name + " to " + store.describe() + " failed: " + cause.getMessage(), cause);
        }
    }

    /** The manifest lists and reads its folder through the store's client, whose failures are not Camel's. */
    private void appendToManifest(String name, byte[] body, List<AuditLogRecord> records) throws IOException {
        try {
            manifest.append(name, Sha256.of(body), records, (entry, content) -> upload(entry, content, "application/json"));
        } catch (DestinationUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            int status = statusOf(e);
            if (status == 401 || status == 403) {
                throw new DestinationUnavailableException("exporter " + exporterId + ": " + store.describe() + " answered "
                        + status + " listing or reading " + Manifest.folder(naming.prefix()) + " (" + e.getMessage()
                        + "); tamperEvident: true needs the credentials to list and read that folder too, beside "
                        + store.credentialProperties(), e);
            }
            throw new IOException("reading the manifest " + Manifest.folder(naming.prefix()) + " of " + store.describe()
                    + " failed: " + e.getMessage(), e);
        }
    }

    private int statusOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            int status = store.status(t);
            if (status > 0) {
                return status;
            }
        }
        return -1;
    }

    private byte[] encode(List<AuditLogRecord> records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(records.size() * 512);
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes, 64 * 1024) : bytes) {
            naming.format().write(records, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public String describe() {
        return naming.format() + (gzip ? "+gzip" : "") + " objects " + store.describe() + "/" + naming.prefix() + "-*"
                + (manifest == null ? "" : ", manifest " + Manifest.folder(naming.prefix()));
    }
}
