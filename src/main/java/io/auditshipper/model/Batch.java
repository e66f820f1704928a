package io.auditshipper.model;

import java.util.List;

/**
 * Consecutive audit logs in source order, shipped and acknowledged as one unit; or, {@code late}, logs found
 * behind exporters' offsets (committed late), shipped to the exporters that lack them without moving any offset.
 */
public record Batch(List<AuditLogRecord> records, boolean late) {

    public Batch {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one record");
        }
        records = List.copyOf(records);
    }

    public Batch(List<AuditLogRecord> records) {
        this(records, false);
    }

    public Offset first() {
        return records.get(0).offset();
    }

    public Offset last() {
        return records.get(records.size() - 1).offset();
    }

    public int size() {
        return records.size();
    }

    /** The records strictly after {@code offset}: what an exporter that already has {@code offset} still needs. */
    public List<AuditLogRecord> after(Offset offset, OffsetOrder order) {
        if (offset == null || order.isBefore(offset, first())) {
            return records;
        }
        int lo = 0;
        int hi = records.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (order.compare(records.get(mid).offset(), offset) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return records.subList(lo, records.size());
    }
}
