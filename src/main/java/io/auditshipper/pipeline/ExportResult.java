package io.auditshipper.pipeline;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;

import java.util.List;

/**
 * One exporter's answer for one batch: {@code records} (what it still needed of the batch) acknowledged up to
 * {@code upTo} (null for a late batch, which moves no offset), or failed with {@code error} and no records;
 * {@code refused} when trying again cannot help (credentials, configuration).
 */
public record ExportResult(String exporterId, List<AuditLogRecord> records, Offset upTo, String error, boolean refused) {

    public int shipped() {
        return records.size();
    }

    public boolean succeeded() {
        return error == null;
    }
}
