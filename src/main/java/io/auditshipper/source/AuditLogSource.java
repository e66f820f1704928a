package io.auditshipper.source;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;

/** A backend that audit logs are read from, in (timestamp, id) order, one page at a time. */
public interface AuditLogSource extends AutoCloseable {

    /**
     * The logs strictly after {@code after} and stamped at or before {@code until} that pass the filter,
     * lazily, one page per {@code next()}: a backlog is never held in memory whole.
     */
    Iterator<List<AuditLogRecord>> read(Offset after, Instant until);

    /** The order {@link #read} answers in, which every offset comparison of the shipper follows. */
    OffsetOrder order();

    /**
     * How many logs that pass the filter are stamped before {@code before}: those an exporter's first start at
     * the lookback leaves out, reported once rather than skipped in silence.
     */
    long countBefore(Instant before);

    /** Deletes the logs at or before {@code upTo} that pass the filter; the number deleted. */
    long deleteUpTo(Offset upTo);

    /** For the startup summary, without credentials. */
    String describe();

    @Override
    void close();
}
