package io.auditshipper.exporter.search;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.encoding.RecordSchema;
import io.auditshipper.exporter.integrity.DocumentHash;
import io.auditshipper.exporter.integrity.TamperEvidence;

/**
 * Kestra's Elasticsearch and OpenSearch {@code LogExporter} properties, read and checked: {@code indexName},
 * the {@code connection} block ({@link SearchConnection}) and {@code tamperEvident}.
 *
 * @param hashField the field holding each record's SHA-256 ({@link DocumentHash}), or null without tamper evidence
 */
public record SearchConfig(String indexName, SearchConnection connection, String hashField) {

    static final ExporterProperty<String> INDEX_NAME = ExporterProperty.text("indexName").required("kestra-logs");

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(INDEX_NAME, SearchConnection.PROPERTIES,
            TamperEvidence.PROPERTY);

    public static SearchConfig of(ExporterConfig config) {
        return new SearchConfig(INDEX_NAME.of(config), SearchConnection.of(config),
                TamperEvidence.enabled(config) ? DocumentHash.field(RecordSchema.of(config)) : null);
    }
}
