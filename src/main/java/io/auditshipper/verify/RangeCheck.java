package io.auditshipper.verify;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.source.AuditLogSource;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Compares the logs the source holds in a range with what one destination holds, streaming both: the source's ids
 * go into an {@link IdTally}, the destination's records are counted against it, and a second read of the source
 * names the first missing and duplicated ids and finds the last log before the first missing one.
 */
public final class RangeCheck {

    /**
     * The logs stamped from {@code from} (null: from the source's first log) to {@code until}, and at or before the
     * offset {@code upTo} when one is given (an exporter's stored offset).
     */
    public record Range(Instant from, Instant until, Offset upTo) {

        Offset after() {
            return Offset.before(from == null ? Instant.EPOCH : from);
        }

        boolean holds(Offset log, Instant readFrom, OffsetOrder order) {
            return !log.timestamp().isBefore(readFrom)
                    && (upTo == null ? !log.timestamp().isAfter(until) : !order.isBefore(upTo, log));
        }
    }

    /**
     * What was found; {@code provenUpTo} is the last log before the first missing one (null when the first is
     * missing, or the range holds no log).
     */
    public record Result(IdTally tally, long unreadable, Instant readFrom, List<String> missingIds,
                         List<String> duplicatedIds, Offset provenUpTo, Edited edited) {

        public ExporterReport report(String heading) {
            ExporterReport report = new ExporterReport(heading)
                    .add(Finding.count("expected", tally.expected()))
                    .add(Finding.count("found", tally.found()))
                    .add(new Finding("missing", tally.missing(), missingIds, true))
                    .add(new Finding("duplicated", tally.duplicated(), duplicatedIds, false))
                    .add(new Finding("extra", tally.extra(), tally.extraIds(), false));
            if (edited != null) {
                report.add(new Finding("edited", edited.count, edited.ids, true));
            }
            return unreadable == 0 ? report : report.add(Finding.count("unreadable", unreadable));
        }
    }

    /** The records whose content fails their destination's integrity check: how many, the first ids. */
    public static final class Edited {
        private long count;
        private final List<String> ids = new ArrayList<>();

        void add(String id) {
            count++;
            if (ids.size() < IdTally.LISTED) {
                ids.add(id);
            }
        }

        public long count() {
            return count;
        }
    }

    private RangeCheck() {
    }

    public static Result run(AuditLogSource source, Range range, DestinationReader destination) throws IOException {
        OffsetOrder order = source.order();
        IdTally tally = new IdTally();
        Instant first = null;
        Offset last = null;
        for (Iterator<List<AuditLogRecord>> pages = source.read(range.after(), range.until()); pages.hasNext(); ) {
            for (AuditLogRecord log : pages.next()) {
                if (range.upTo() == null || !order.isBefore(range.upTo(), log.offset())) {
                    tally.expect(log.id());
                    first = first == null ? log.timestamp() : first;
                    last = log.offset();
                }
            }
        }
        tally.seal();
        Instant readFrom = range.from() != null ? range.from() : first != null ? first : range.until();
        Edited edited = destination.checksContent() ? new Edited() : null;
        long unreadable = destination.read(readFrom, range.until(), held -> {
            boolean inRange = held.date() != null && range.holds(new Offset(held.date(), held.id()), readFrom, order);
            tally.count(held.id(), inRange);
            if (held.edited() && inRange && edited != null) {
                edited.add(held.id());
            }
        });
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        Offset provenUpTo = null;
        boolean proven = true;
        if (tally.missing() > 0 || tally.duplicated() > 0) {
            for (Iterator<List<AuditLogRecord>> pages = source.read(range.after(), range.until()); pages.hasNext(); ) {
                for (AuditLogRecord log : pages.next()) {
                    if (range.upTo() != null && order.isBefore(range.upTo(), log.offset())) {
                        continue;
                    }
                    int held = tally.held(log.id());
                    if (held == 0) {
                        proven = false;
                        if (missing.size() < IdTally.LISTED) {
                            missing.add(log.id());
                        }
                    } else if (held > 1 && duplicated.size() < IdTally.LISTED) {
                        duplicated.add(log.id());
                    }
                    if (proven) {
                        provenUpTo = log.offset();
                    }
                }
            }
        } else {
            provenUpTo = last;
        }
        return new Result(tally, unreadable, readFrom, missing, duplicated, provenUpTo, edited);
    }
}
