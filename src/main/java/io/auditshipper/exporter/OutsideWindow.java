package io.auditshipper.exporter;

import io.auditshipper.config.ExporterProperty;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.observe.ShipperMeters;
import io.micrometer.core.instrument.Counter;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an exporter does with the logs its destination's {@link TimeWindow} leaves out, set by the exporter's
 * {@code outsideWindow} property: {@code DEAD_LETTER} (the default) parks them in the dead-letter file with the
 * reason; {@code REWRITE_TIMESTAMP} ships them stamped with the shipping time, the original date kept in the entry
 * (where depends on the destination). Either way they are counted in
 * {@code kestra_shipper_outside_window_logs_total{exporter,action}}: none is shipped to be dropped without a word.
 */
public final class OutsideWindow {

    public enum Action { DEAD_LETTER, REWRITE_TIMESTAMP }

    private final TimeWindow window;
    private final Action action;
    private final Clock clock;
    private final DeadLetterFile deadLetters;
    private final Counter deadLettered;
    private final Counter rewritten;

    public OutsideWindow(TimeWindow window, Action action, Clock clock, DeadLetterFile deadLetters, Counter deadLettered,
                         Counter rewritten) {
        this.window = window;
        this.action = action;
        this.clock = clock;
        this.deadLetters = deadLetters;
        this.deadLettered = deadLettered;
        this.rewritten = rewritten;
    }

    /** Kestra's {@code outsideWindow} property of an exporter whose destination keeps {@code window}. */
    public static ExporterProperty<Action> property(TimeWindow window) {
        return ExporterProperty.choice("outsideWindow", Action.class, "what to do with a log " + window.destination()
                        + " would drop, dated more than " + window.maxAge() + " ago or " + window.maxAhead() + " ahead: park it"
                        + " in the dead-letter file, the default, or ship it with the shipping time as its timestamp")
                .orElse(Action.DEAD_LETTER);
    }

    /** The exporter {@code exporterId}'s handling of the logs outside {@code window}, counted in its meters. */
    public static OutsideWindow of(String exporterId, Action action, ExporterContext context, TimeWindow window,
                                   DeadLetterFile deadLetters) {
        return new OutsideWindow(window, action, context.clock(), deadLetters,
                ShipperMeters.outsideWindow(context.meters(), exporterId, "dead_lettered"),
                ShipperMeters.outsideWindow(context.meters(), exporterId, "timestamp_rewritten"));
    }

    /**
     * The batch as it is shipped now: under {@code DEAD_LETTER} the logs outside the window are parked (forced to
     * disk, with the reason) and left out; under {@code REWRITE_TIMESTAMP} they stay, to be stamped with the shipping
     * time ({@link Batch#timestampOf}).
     */
    public Batch admit(List<AuditLogRecord> records) {
        Batch batch = new Batch(window, clock.instant(), action == Action.REWRITE_TIMESTAMP);
        List<AuditLogRecord> inside = new ArrayList<>(records.size());
        Map<String, List<AuditLogRecord>> outside = new LinkedHashMap<>();
        long stamped = 0;
        for (AuditLogRecord record : records) {
            Optional<String> reason = window.outside(record.timestamp(), batch.shippedAt());
            if (reason.isEmpty()) {
                inside.add(record);
            } else if (batch.rewrite()) {
                inside.add(record);
                stamped++;
            } else {
                outside.computeIfAbsent(reason.get(), k -> new ArrayList<>()).add(record);
            }
        }
        outside.forEach((reason, logs) -> rejected(logs, reason));
        rewritten.increment(stamped);
        return inside.size() == records.size() ? batch.with(records) : batch.with(inside);
    }

    /** Logs the destination itself reported out of its window (clock skew, a shorter retention): parked and counted. */
    public void rejected(List<AuditLogRecord> records, String reason) {
        if (records.isEmpty()) {
            return;
        }
        deadLetters.park(records, reason);
        deadLettered.increment(records.size());
    }

    /** The logs of one batch to ship, and the time each is stamped with. */
    public record Batch(TimeWindow window, Instant shippedAt, boolean rewrite, List<AuditLogRecord> records) {

        Batch(TimeWindow window, Instant shippedAt, boolean rewrite) {
            this(window, shippedAt, rewrite, List.of());
        }

        Batch with(List<AuditLogRecord> records) {
            return new Batch(window, shippedAt, rewrite, records);
        }

        /** Whether the log goes out stamped with the shipping time instead of its own. */
        public boolean rewritten(AuditLogRecord record) {
            return rewrite && window.outside(record.timestamp(), shippedAt).isPresent();
        }

        /** The time the log is shipped with: its own, or the shipping time when it is outside the window. */
        public Instant timestampOf(AuditLogRecord record) {
            return rewritten(record) ? shippedAt : record.timestamp();
        }
    }
}
