package io.auditshipper.exporter.search;

import com.fasterxml.jackson.databind.util.RawValue;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.integrity.DocumentHash;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.ProducerTemplate;

import java.util.List;
import java.util.OptionalInt;

/**
 * What the Elasticsearch and OpenSearch exporters share: Kestra's {@code indexName} and {@code connection},
 * a Camel component instance of the exporter's own (so two exporters never share a cluster's client, and
 * the client carries the headers, path prefix and TLS settings the component's options do not cover),
 * and the {@link BulkIndexer} that reads each bulk answer item by item. Each document is the stored
 * audit log JSON as it is, with {@code _id} the audit log id; with {@code tamperEvident: true}, followed by the
 * SHA-256 of that JSON ({@link DocumentHash}). Each engine's exporter adds only its own client's calls: the client,
 * its typed bulk request, an answered item and the status an exception of its carries.
 */
public abstract class SearchExporter implements LogExporter, BulkIndexer.BulkClient {

    protected final String indexName;
    protected final SearchConnection connection;
    private final String engine;
    private final String componentName;
    private final BulkIndexer indexer;
    private final int chunk;
    /** The field holding the record's SHA-256, or null without {@code tamperEvident}. */
    private final String hashField;
    private ProducerTemplate producer;

    protected SearchExporter(String engine, ExporterConfig config, ExporterContext context) {
        this.engine = engine;
        SearchConfig settings = SearchConfig.of(config);
        this.indexName = settings.indexName();
        this.connection = settings.connection();
        this.chunk = config.chunk();
        this.hashField = settings.hashField();
        this.componentName = engine.toLowerCase(java.util.Locale.ROOT) + "-" + config.id();
        this.indexer = new BulkIndexer(config.id(), engine + " " + connection.urls("/" + indexName + "/_bulk"), this,
                context.retryPolicy(config.id()), context.deadLetters(config.id()));
    }

    /** The engine's Camel component, its client built from {@link #connection}. */
    protected abstract Component component();

    @Override
    public void bind(CamelContext context) {
        context.addComponent(componentName, component());
        producer = context.createProducerTemplate();
    }

    /** One bulk request per {@code chunk} records (Kestra's default 1000). */
    @Override
    public void ship(List<AuditLogRecord> records) throws Exception {
        for (int from = 0; from < records.size(); from += chunk) {
            indexer.index(records.subList(from, Math.min(records.size(), from + chunk)));
        }
    }

    /** One document of a bulk: its {@code _id} (the audit log id) and its source, written as it is. */
    protected record Document(String id, RawValue source) {
    }

    /** The engine's typed bulk request (its builder) indexing these documents into {@code index}. */
    protected abstract Object bulkRequest(String index, List<Document> documents);

    /** One item of the engine's bulk response. */
    protected abstract BulkIndexer.ItemResult itemResult(Object item);

    /** The HTTP status one exception of the engine's client carries, not looking at its causes. */
    protected abstract OptionalInt statusCarriedBy(Throwable failure);

    /** The status of a failure none of whose causes carries one: none unless the engine's client tells it otherwise. */
    protected OptionalInt statusOfUncarried() {
        return OptionalInt.empty();
    }

    @Override
    public final List<BulkIndexer.ItemResult> index(List<AuditLogRecord> records) {
        Object request = bulkRequest(indexName, records.stream().map(record -> new Document(record.id(), source(record))).toList());
        List<?> items = producer.requestBody(componentName + "://" + indexName + "?operation=Bulk", request, List.class);
        return items.stream().map(this::itemResult).toList();
    }

    /** The source indexed for the record: its JSON as shipped, raw (Jackson writes it as it is, not parsing it into a tree). */
    private RawValue source(AuditLogRecord record) {
        return new RawValue(hashField == null ? record.json() : DocumentHash.withHash(record.json(), hashField));
    }

    @Override
    public final OptionalInt statusOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            OptionalInt status = statusCarriedBy(cause);
            if (status.isPresent()) {
                return status;
            }
        }
        return statusOfUncarried();
    }

    @Override
    public String describe() {
        return engine + " " + connection.describe() + " index " + indexName;
    }
}
