package io.auditshipper.source;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;

import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A page of rows as the database returned them, each made a record ({@link StoredValues}: its value compacted,
 * its shape checked) only when first asked for, by whoever consumes the page. The pass reads pages ahead on a
 * thread of its own: compacting there kept the database idle for as long as each page took to compact, between
 * one page's query and the next, where now the next query runs while the consumer compacts. Its last offset is
 * known without compacting anything, for that next query. Not for two threads at once: the pass hands each page
 * from the reader to one consumer.
 */
final class StoredPage extends AbstractList<AuditLogRecord> implements RandomAccess {

    /** One row: the value a jsonb/json column's UTF-8 bytes (valid JSON by the database), or a text column's text. */
    private record Row(String key, Instant timestamp, Object value) {
    }

    private final List<Row> rows;
    private final AuditLogRecord[] records;
    private StoredValues.Compactor compactor;

    private StoredPage(List<Row> rows) {
        this.rows = rows;
        this.records = new AuditLogRecord[rows.size()];
    }

    /** Collects a page's rows, in order. */
    static final class Builder {

        private final List<Row> rows;

        Builder(int capacity) {
            rows = new ArrayList<>(capacity);
        }

        /** A row of a column the database guarantees is valid JSON, as its UTF-8 text (null for SQL NULL). */
        void addJson(String key, Instant timestamp, byte[] utf8) {
            rows.add(new Row(key, timestamp, utf8));
        }

        /** A row of a text column, whose value may be anything. */
        void addText(String key, Instant timestamp, String value) {
            rows.add(new Row(key, timestamp, value));
        }

        StoredPage build() {
            return new StoredPage(rows);
        }
    }

    @Override
    public AuditLogRecord get(int index) {
        AuditLogRecord record = records[index];
        if (record == null) {
            Row row = rows.get(index);
            if (row.value() instanceof byte[] utf8) {
                if (compactor == null) {
                    compactor = new StoredValues.Compactor();
                }
                record = StoredValues.record(row.key(), row.timestamp(), utf8, compactor);
            } else {
                // A text column's value, or SQL NULL in either kind of column.
                record = StoredValues.record(row.key(), row.timestamp(), (String) row.value());
            }
            records[index] = record;
            // The stored value is not needed any more; only the record is kept.
            rows.set(index, null);
        }
        return record;
    }

    @Override
    public int size() {
        return records.length;
    }

    /** The offset of the page's last row, without making it a record. */
    Offset lastOffset() {
        AuditLogRecord record = records[records.length - 1];
        if (record != null) {
            return record.offset();
        }
        Row last = rows.get(rows.size() - 1);
        return new Offset(last.timestamp(), last.key());
    }
}
