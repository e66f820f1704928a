package io.auditshipper.pipeline;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;

import java.time.Instant;
import java.util.List;

/**
 * One exporter's answer for one batch: {@code records} (what it still needed of the batch) acknowledged up to
 * {@code upTo} (null for a late batch, which moves no offset), or failed with {@code error} and no records;
 * {@code refused} when trying again cannot help (credentials, configuration); {@code notBefore}, for a failure whose
 * last answer asked for a wait ({@code Retry-After}), the time before which the batch is not sent again (else null).
 */
public record ExportResult(String exporterId, List<AuditLogRecord> records, Offset upTo, String error, boolean refused,
                           Instant notBefore) {

    public int shipped() {
        return records.size();
    }

    public boolean succeeded() {
        return error == null;
    }
}
