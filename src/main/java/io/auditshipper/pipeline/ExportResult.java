package io.auditshipper.pipeline;

import io.auditshipper.model.Offset;

/**
 * One exporter's answer for one batch: acknowledged up to {@code upTo} (null for a late batch, which moves no
 * offset), or failed with {@code error}; {@code refused} when trying again cannot help (credentials, configuration).
 */
public record ExportResult(String exporterId, int shipped, Offset upTo, String error, boolean refused) {

    public boolean succeeded() {
        return error == null;
    }
}
