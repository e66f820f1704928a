package io.auditshipper.pipeline;

import io.auditshipper.model.Offset;

/** One exporter's answer for one batch: acknowledged up to {@code upTo}, or failed with {@code error}. */
public record ExportResult(String exporterId, int shipped, Offset upTo, String error) {

    public boolean succeeded() {
        return error == null;
    }
}
