package io.auditshipper.pipeline;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Batch;
import io.auditshipper.model.Offset;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Cuts the source's pages into batches of {@code chunk} records for the pass route, pulling the next page
 * only when needed. Stops early, at a batch boundary, once {@code keepGoing} says so (no exporter left in
 * the stream, or the shipper is stopping).
 * <p>
 * Every exporter's stored offset also ends a batch, so an exporter's batches always start right after its own
 * offset, whichever exporters lag behind it or take part in the pass. A batch shipped again after a crash (its
 * commit lost) then has the bounds it had the first time, and its files and objects, named after their first
 * log, the same names: they are overwritten, none is left beside them holding the same logs.
 */
final class BatchIterator implements Iterator<Batch> {

    private final Deque<Batch> late;
    private final Iterator<List<AuditLogRecord>> pages;
    private final int chunk;
    private final BooleanSupplier keepGoing;
    private final Pass pass;
    private final Deque<Offset> cuts;
    private List<AuditLogRecord> page = List.of();
    private int position;
    private boolean failed;
    /** The batch {@link #takeAhead} took, handed out next; or what failed taking it, thrown at the next ask. */
    private Batch ahead;
    private RuntimeException aheadFailure;

    /**
     * @param late  batches of logs committed late, handed out first
     * @param cuts  offsets no batch may straddle: the exporters' stored offsets
     */
    BatchIterator(List<Batch> late, Iterator<List<AuditLogRecord>> pages, int chunk, BooleanSupplier keepGoing, Pass pass,
                  Collection<Offset> cuts) {
        this.late = new ArrayDeque<>(late);
        this.pages = pages;
        this.chunk = chunk;
        this.keepGoing = keepGoing;
        this.pass = pass;
        TreeSet<Offset> ordered = new TreeSet<>(pass.order());
        ordered.addAll(cuts);
        this.cuts = new ArrayDeque<>(ordered);
    }

    /**
     * Takes the next batch now, its page read and its rows made records, to hand out at the next {@link #next}: done
     * on the thread that plans a pass while Camel starts, so that the first batch is ready when the pass route asks.
     * A failure is kept for the route, which meets it when it asks, as it would have.
     */
    void takeAhead() {
        try {
            if (ahead == null && hasNext()) {
                ahead = next();
            }
        } catch (RuntimeException e) {
            failed = false;
            aheadFailure = e;
        }
    }

    @Override
    public boolean hasNext() {
        if (aheadFailure != null) {
            RuntimeException failure = aheadFailure;
            aheadFailure = null;
            failed = true;
            throw failure;
        }
        if (failed || !keepGoing.getAsBoolean()) {
            return false;
        }
        if (ahead != null) {
            return true;
        }
        try {
            return !late.isEmpty() || position < page.size() || pages.hasNext();
        } catch (RuntimeException e) {
            // The first throw fails the pass; asked again, the iterator says the batches are over rather than
            // throwing the same error again.
            failed = true;
            throw e;
        }
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (ahead != null) {
            Batch taken = ahead;
            ahead = null;
            return taken;
        }
        if (!late.isEmpty()) {
            return late.pollFirst();
        }
        List<AuditLogRecord> records = new ArrayList<>(chunk);
        while (records.size() < chunk && (position < page.size() || pages.hasNext())) {
            if (position == page.size()) {
                page = pages.next();
                position = 0;
                pass.countRead(page.size());
                continue;
            }
            if (cuts.isEmpty()) {
                int take = Math.min(chunk - records.size(), page.size() - position);
                records.addAll(page.subList(position, position + take));
                position += take;
                continue;
            }
            if (pass.order().isBefore(cuts.peekFirst(), page.get(position).offset())) {
                cuts.pollFirst();
                if (!records.isEmpty()) {
                    return new Batch(records);
                }
                continue;
            }
            records.add(page.get(position));
            position++;
        }
        return new Batch(records);
    }
}
