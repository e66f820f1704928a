package io.auditshipper.source;

import io.auditshipper.model.AuditLogRecord;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** The pages of a source, fetched one at a time when asked for. */
abstract class PageIterator implements Iterator<List<AuditLogRecord>> {

    private List<AuditLogRecord> next;

    /** The next non-empty page, or null when there is none. */
    protected abstract List<AuditLogRecord> fetch();

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = fetch();
        }
        return next != null;
    }

    @Override
    public List<AuditLogRecord> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<AuditLogRecord> page = next;
        next = null;
        return page;
    }
}
