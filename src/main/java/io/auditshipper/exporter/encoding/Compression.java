package io.auditshipper.exporter.encoding;

import io.auditshipper.config.ExporterProperty;

/**
 * Kestra's {@code compression} property, for every exporter that takes it (Splunk HEC and GELF request bodies,
 * the storage exporters' objects): gzipped ({@code GZIP}) or as they are ({@code NONE}).
 */
public enum Compression {
    GZIP, NONE;

    /** The property, its default what suits the destination. */
    public static ExporterProperty<Compression> property(Compression fallback) {
        return ExporterProperty.choice("compression", Compression.class, null).orElse(fallback);
    }
}
