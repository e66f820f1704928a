package io.auditshipper.source;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a window of audit logs in (date, id) order from a search API that filters by a date range and sorts by
 * date only, with {@code page}/{@code size} paging and a {@code total}, such as Kestra's audit log search. It never
 * depends on where a log sits in the server's answer: every request starts from a date the reader has reached
 * (page 1), so logs added or removed before that date shift nothing it still has to read, and logs that share a
 * date, which such a server orders differently from one request to the next, are only ever used from an answer
 * that holds all of them.
 * <p>
 * A full page is complete for every date but its last ones: the logs of its last two milliseconds are held back
 * and read again as the head of the next page, which starts at that span. Two milliseconds rather than the last
 * date, because a backend may keep the date coarser than the API returns it (PostgreSQL rounds to the
 * microsecond, an Elasticsearch {@code date} field keeps milliseconds) and then order logs some hundreds of
 * microseconds apart as a tie. When a page holds nothing before that span (more logs in two milliseconds than a
 * page), the span is read whole in one request as large as needed, up to {@link #largestPage}, then left behind.
 * A span larger than that, or than the server will return in one page, is read page by page; that is sound only
 * while the server keeps one order for it, so the sweep is kept only when it saw no id twice and as many ids as
 * the {@code total} the server gave on each of its pages; otherwise it is swept again, and after three sweeps the
 * read fails rather than skip logs.
 * <p>
 * The server's {@code total} is never needed to stop: a page shorter than asked is the end. A {@code total}
 * saying there is more than a short page held (a server that cuts pages to a largest size, or a wrong total)
 * makes the reader go on from the page's last span rather than stop.
 * <p>
 * Requests are made by an {@link Search}, so the same reading serves any generation of the API (1.x query
 * parameters, 2.x {@code filters}).
 */
final class DateKeysetReader extends PageIterator {

    /** One search request: the logs dated in [{@code from}, {@code to}], both inclusive, sorted by date. */
    interface Search {
        Page search(Instant from, Instant to, int page, int size);
    }

    /** One answer: the logs of the page in the server's order, and the {@code total} it gave. */
    record Page(List<AuditLogRecord> results, long total) {
    }

    /** Where logs that the backend may see as one date lie: the millisecond of a date and the one before it. */
    private static final long HELD_BACK_MILLIS = 1;
    private static final int SWEEPS = 3;

    /**
     * The (date, id) order this reader answers in, and so the pipeline's offsets: the API sorts by date only, the
     * logs of one date are sorted here, by code point like PostgreSQL.
     */
    static final OffsetOrder OFFSET_ORDER = OffsetOrder.CODE_POINT;
    private static final Comparator<AuditLogRecord> RECORD_ORDER = Comparator.comparing(AuditLogRecord::offset, OFFSET_ORDER);

    private final Search search;
    private final int pageSize;
    private final int largestPage;
    /** The last date of the window, and the last instant the server may keep a log of that date at. */
    private final Instant until;
    private final Instant untilEnd;
    /** The last log handed on (or the offset the read started after). */
    private Offset position;
    /** The date the next request starts at: every log dated before it has been handed on. */
    private Instant from;
    private boolean done;

    DateKeysetReader(Search search, int pageSize, Offset after, Instant until) {
        this.search = search;
        this.pageSize = pageSize;
        this.largestPage = Math.max(pageSize, 10 * pageSize);
        this.until = until.truncatedTo(ChronoUnit.MICROS);
        this.untilEnd = lastInstantOf(this.until);
        this.position = after;
        this.from = after.timestamp().truncatedTo(ChronoUnit.MICROS);
    }

    /** The last instant whose date is {@code micros} at microsecond precision. */
    private static Instant lastInstantOf(Instant micros) {
        return micros.plusNanos(999);
    }

    @Override
    protected List<AuditLogRecord> fetch() {
        while (!done && !from.isAfter(until)) {
            List<AuditLogRecord> out = handOn(nextKnownComplete());
            if (!out.isEmpty()) {
                return out;
            }
        }
        done = true;
        return null;
    }

    /** The logs of the next request that are known complete, sorted; moves {@link #from} on. */
    private List<AuditLogRecord> nextKnownComplete() {
        Page page = checked(search.search(from, untilEnd, 1, pageSize), from);
        List<AuditLogRecord> results = page.results();
        if (results.isEmpty()) {
            done = true;
            return results;
        }
        if (results.size() < pageSize && page.total() <= results.size()) {
            done = true;
            return results;
        }
        // A full page (or one the server cut short): complete up to its last span, which is read again.
        Instant last = results.get(results.size() - 1).timestamp();
        Instant span = spanStart(last);
        Instant start = from;
        List<AuditLogRecord> before = results.stream()
                .filter(r -> !r.timestamp().isBefore(start) && r.timestamp().isBefore(span)).toList();
        if (!before.isEmpty()) {
            from = span;
            return before;
        }
        Instant spanEnd = last.truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
        List<AuditLogRecord> whole = whole(from, spanEnd.minusNanos(1).isBefore(untilEnd) ? spanEnd.minusNanos(1) : untilEnd);
        from = spanEnd;
        return whole;
    }

    /** Every log dated in [lo, hi], read in one request if the server allows, else page by page. */
    private List<AuditLogRecord> whole(Instant lo, Instant hi) {
        int size = pageSize;
        while (true) {
            Page page = checked(search.search(lo, hi, 1, size), lo);
            int got = page.results().size();
            if (got < size && page.total() <= got) {
                return page.results();
            }
            if (got < size) {
                // The total says there is more than the server gave: a server that cuts pages, or a wrong total.
                Page second = checked(search.search(lo, hi, 2, got), lo);
                return second.results().isEmpty() ? page.results() : swept(lo, hi, got);
            }
            if (size >= largestPage) {
                return swept(lo, hi, size);
            }
            size = (int) Math.min(largestPage, Math.max(2L * size, page.total() + 1));
        }
    }

    /** The logs dated in [lo, hi] read with pages of {@code size}, kept only from a sweep that saw each once. */
    private List<AuditLogRecord> swept(Instant lo, Instant hi, int size) {
        String seen = "";
        for (int sweep = 1; sweep <= SWEEPS; sweep++) {
            Map<String, AuditLogRecord> ids = new LinkedHashMap<>();
            int read = 0;
            long total = -1;
            boolean totalStable = true;
            for (int number = 1; ; number++) {
                Page page = checked(search.search(lo, hi, number, size), lo);
                totalStable &= total < 0 || page.total() == total;
                total = page.total();
                read += page.results().size();
                page.results().forEach(r -> ids.put(r.id(), r));
                if (page.results().size() < size || read > total + size) {
                    break;
                }
            }
            if (totalStable && ids.size() == read && read == total) {
                return new ArrayList<>(ids.values());
            }
            seen += (seen.isEmpty() ? "" : "; ") + "sweep " + sweep + ": " + ids.size() + " distinct of " + read
                    + " read, total " + (totalStable ? total : "changing");
        }
        throw new SourceException("the logs dated " + lo + " to " + hi + " are more than the server returns in one page ("
                + size + "), and reading them page by page did not see each of them exactly once (" + seen
                + "): the server orders them differently from one request to the next, or logs were added or removed"
                + " there meanwhile, or its total is wrong. The pass stops here rather than skip logs; raise"
                + " source.pageSize (up to what the server returns in one page) so that one page holds them");
    }

    /** Where the logs that the backend may keep at the same date as {@code date} start. */
    private static Instant spanStart(Instant date) {
        return date.truncatedTo(ChronoUnit.MILLIS).minusMillis(HELD_BACK_MILLIS);
    }

    /**
     * The answer, checked to be in date order and inside the range asked for, give or take what a backend that
     * keeps dates coarser than it returns them may do.
     */
    private static Page checked(Page page, Instant lo) {
        Instant previous = lo;
        for (AuditLogRecord r : page.results()) {
            if (r.timestamp().isBefore(spanStart(previous))) {
                throw new SourceException("the server answered audit log " + r.id() + " dated " + r.timestamp()
                        + (previous == lo ? " for startDate " + lo : " after one dated " + previous)
                        + ": it does not sort by date or filter by startDate as asked, so it cannot be read without gaps");
            }
            previous = r.timestamp();
        }
        return page;
    }

    /** The logs after the position and in the window, in (date, id) order, one each; moves the position on. */
    private List<AuditLogRecord> handOn(List<AuditLogRecord> logs) {
        Map<String, AuditLogRecord> byId = new LinkedHashMap<>();
        for (AuditLogRecord r : logs) {
            if (OFFSET_ORDER.compare(position, r.offset()) < 0 && !r.timestamp().isAfter(until)) {
                byId.put(r.id(), r);
            }
        }
        List<AuditLogRecord> out = new ArrayList<>(byId.values());
        out.sort(RECORD_ORDER);
        if (!out.isEmpty()) {
            position = out.get(out.size() - 1).offset();
        }
        return out;
    }
}
