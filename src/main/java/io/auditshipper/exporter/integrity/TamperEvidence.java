package io.auditshipper.exporter.integrity;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperty;

/**
 * The exporter property that turns tamper evidence on: the manifest chain for the file and object-store
 * exporters, the record hash in every document for Elasticsearch and OpenSearch. Off by default: the chain needs
 * to list and read its own manifest (a write-only bucket policy refuses that) and adds objects beside the data,
 * and the hash adds a field to every document.
 */
public final class TamperEvidence {

    public static final ExporterProperty<Boolean> PROPERTY = ExporterProperty.flag("tamperEvident").orElse(false);

    private TamperEvidence() {
    }

    public static boolean enabled(ExporterConfig config) {
        return PROPERTY.of(config);
    }
}
