package io.auditshipper.pipeline;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Batch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;

/**
 * Cuts the source's pages into batches of {@code chunk} records for the splitter, pulling the next page
 * only when needed. Stops early, at a batch boundary, once {@code keepGoing} says so (no exporter left in
 * the pass, or the shipper is stopping).
 */
final class BatchIterator implements Iterator<Batch> {

    private final Iterator<List<AuditLogRecord>> pages;
    private final int chunk;
    private final BooleanSupplier keepGoing;
    private final Pass pass;
    private List<AuditLogRecord> page = List.of();
    private int position;
    private boolean failed;

    BatchIterator(Iterator<List<AuditLogRecord>> pages, int chunk, BooleanSupplier keepGoing, Pass pass) {
        this.pages = pages;
        this.chunk = chunk;
        this.keepGoing = keepGoing;
        this.pass = pass;
    }

    @Override
    public boolean hasNext() {
        if (failed || !keepGoing.getAsBoolean()) {
            return false;
        }
        try {
            return position < page.size() || pages.hasNext();
        } catch (RuntimeException e) {
            // The first throw fails the pass; the splitter asks once more while releasing, and is told the
            // batches are over rather than being handed the same error again.
            failed = true;
            throw e;
        }
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<AuditLogRecord> records = new ArrayList<>(chunk);
        while (records.size() < chunk && (position < page.size() || pages.hasNext())) {
            if (position == page.size()) {
                page = pages.next();
                position = 0;
                pass.countRead(page.size());
            }
            int take = Math.min(chunk - records.size(), page.size() - position);
            records.addAll(page.subList(position, position + take));
            position += take;
        }
        return new Batch(records);
    }
}
