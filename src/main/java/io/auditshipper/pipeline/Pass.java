package io.auditshipper.pipeline;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Batch;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.offset.RecentlyShipped;
import io.auditshipper.offset.StoredOffsets;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run over the source: from the oldest offset of the exporters that are due, up to {@code until}
 * (now minus the settle delay). Batches are committed in order, so its offsets are only touched by one
 * thread at a time; exporters that fail keep their last acknowledged offset.
 * <p>
 * A pass is one or more streams of batches: first the one all due exporters share, then catch-up streams for
 * those that failed in it, re-read from their own offsets. An exporter whose batch fails leaves the stream it is
 * in (it is given no further batch of it, so its offset has no gap) and counts as failed unless a catch-up
 * stream takes it again.
 */
public final class Pass {

    private final Instant startedAt;
    private final Instant until;
    private final List<String> exporterIds;
    private final OffsetOrder order;
    private final RecentlyShipped recent;
    private final Map<String, AtomicLong> late = new LinkedHashMap<>();
    private final Set<String> active = ConcurrentHashMap.newKeySet();
    /** The exporters the stream under way started with, and of them those still given its batches. */
    private final Set<String> members = ConcurrentHashMap.newKeySet();
    private final Set<String> streaming = ConcurrentHashMap.newKeySet();
    /** Of the stream's members, those that acknowledged logs in it. */
    private final Set<String> progressed = ConcurrentHashMap.newKeySet();
    private volatile int catchUps;
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** For exporters whose destination asked for a wait ({@code Retry-After}) when they failed: when it is over. */
    private final Map<String, Instant> notBefore = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> shipped = new LinkedHashMap<>();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private volatile StoredOffsets offsets;
    private volatile String abortedBy;
    private final AtomicBoolean committed = new AtomicBoolean();
    private volatile AutoCloseable reading = () -> { };

    Pass(Instant startedAt, Instant until, List<String> exporterIds, Set<String> due, StoredOffsets offsets, OffsetOrder order,
         RecentlyShipped recent) {
        this.startedAt = startedAt;
        this.until = until;
        this.exporterIds = List.copyOf(exporterIds);
        this.order = order;
        this.recent = recent;
        this.active.addAll(due);
        this.members.addAll(due);
        this.streaming.addAll(due);
        this.offsets = offsets;
        exporterIds.forEach(id -> {
            shipped.put(id, new AtomicLong());
            late.put(id, new AtomicLong());
        });
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant until() {
        return until;
    }

    public List<String> exporterIds() {
        return exporterIds;
    }

    /** The source's order, in which this pass compares offsets. */
    public OffsetOrder order() {
        return order;
    }

    /** The logs shipped after {@link #lateHorizon()}, by exporter: what tells a late log from one shipped. */
    RecentlyShipped recent() {
        return recent;
    }

    /** Logs stamped before this are neither re-read for late ones nor recorded as shipped. */
    public Instant lateHorizon() {
        return recent.horizon();
    }

    /**
     * What of the batch the exporter still needs, by the offsets as they were when the batch was sent (the commit
     * moves them only after every exporter answered): the records after its offset, or, of a late batch, the
     * records at or before it that it lacks.
     */
    List<AuditLogRecord> pending(Batch batch, String exporterId) {
        Offset offset = offsetOf(exporterId);
        if (!batch.late()) {
            return batch.after(offset, order);
        }
        return batch.records().stream().filter(log -> recent.lacks(exporterId, offset, log, order)).toList();
    }

    /** The minimum offset over every exporter: up to there, every exporter has everything. */
    public Optional<Offset> globalOffset() {
        return offsets.global(exporterIds, order);
    }

    public StoredOffsets offsets() {
        return offsets;
    }

    void offsets(StoredOffsets next) {
        offsets = next;
    }

    public Offset offsetOf(String exporterId) {
        return offsets.of(exporterId).orElseThrow();
    }

    public boolean isActive(String exporterId) {
        return active.contains(exporterId);
    }

    /** Whether the exporter is given the batches of the stream under way. */
    boolean isStreaming(String exporterId) {
        return streaming.contains(exporterId);
    }

    boolean anyStreaming() {
        return !streaming.isEmpty();
    }

    /**
     * The exporter's batch failed: it leaves the stream, and the pass fails for it unless it catches up, which it
     * may not when the destination {@code refused} it for good, nor before {@code notBefore} (null: no time asked).
     */
    void fail(String exporterId, String error, boolean refused, Instant notBefore) {
        streaming.remove(exporterId);
        active.remove(exporterId);
        failures.put(exporterId, error);
        if (refused) {
            this.refused.add(exporterId);
        }
        if (notBefore != null) {
            this.notBefore.put(exporterId, notBefore);
        }
    }

    /**
     * What is left at {@code now} of the wait the exporter's destination asked for ({@code Retry-After}) at its
     * failure, counted from the failure (zero once over), if it asked for one.
     */
    Optional<Duration> restOfAskedWait(String exporterId, Instant now) {
        return Optional.ofNullable(notBefore.get(exporterId))
                .map(over -> now.isBefore(over) ? Duration.between(now, over) : Duration.ZERO);
    }

    /** Whether a destination refused the exporter's batch for good (credentials, configuration) in this pass. */
    boolean refused(String exporterId) {
        return refused.contains(exporterId);
    }

    /** Starts a catch-up stream for these exporters, which failed in the last one; the others get none of it. */
    void catchUp(Set<String> exporterIds) {
        members.clear();
        streaming.clear();
        progressed.clear();
        members.addAll(exporterIds);
        streaming.addAll(exporterIds);
        active.addAll(exporterIds);
        failures.keySet().removeAll(exporterIds);
        notBefore.keySet().removeAll(exporterIds);
        catchUps++;
    }

    /** How many catch-up streams this pass started. */
    int catchUps() {
        return catchUps;
    }

    /** Whether the stream under way is the first, shared by several exporters (whose retries would hold the others). */
    boolean streamShared() {
        return catchUps == 0 && members.size() > 1;
    }

    /** The exporters that failed in the stream under way (or just ended), in the configuration's order. */
    List<String> leftTheStream() {
        return exporterIds.stream().filter(id -> members.contains(id) && failures.containsKey(id)).toList();
    }

    /** Whether the exporter acknowledged logs in the stream under way (or just ended). */
    boolean progressed(String exporterId) {
        return progressed.contains(exporterId);
    }

    public Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    /** Every exporter was due and none failed, and the pass was not cut short: what {@code --once} exits 0 on. */
    public boolean allSucceeded() {
        return abortedBy == null && failures.isEmpty() && active.size() == exporterIds.size();
    }

    /** What reads the source for this pass, stopped when the pass ends. */
    void reading(AutoCloseable reader) {
        reading = reader;
    }

    void stopReading() {
        try {
            reading.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop reading the source", e);
        }
    }

    void abort(String error) {
        abortedBy = error;
    }

    /** True the first time only: the pass's first batch is committed. */
    boolean firstCommit() {
        return committed.compareAndSet(false, true);
    }

    /** Why the pass was cut short (the source or the offset store failed), or null. */
    public String abortedBy() {
        return abortedBy;
    }

    void countShipped(String exporterId, int count) {
        shipped.get(exporterId).addAndGet(count);
        if (count > 0) {
            progressed.add(exporterId);
        }
    }

    public long shipped(String exporterId) {
        return shipped.get(exporterId).get();
    }

    void countLate(String exporterId, int count) {
        late.get(exporterId).addAndGet(count);
    }

    /** Of {@link #shipped}, the logs found behind the exporter's offset, committed late. */
    public long late(String exporterId) {
        return late.get(exporterId).get();
    }

    void countRead(int count) {
        read.addAndGet(count);
    }

    public long read() {
        return read.get();
    }

    void countDeleted(long count) {
        deleted.addAndGet(count);
    }

    public long deleted() {
        return deleted.get();
    }
}
