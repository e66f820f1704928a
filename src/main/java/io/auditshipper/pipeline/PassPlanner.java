package io.auditshipper.pipeline;

import io.auditshipper.config.SecretRedactor;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.retry.RetryPolicy;
import io.auditshipper.exporter.retry.Sleeper;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Batch;
import io.auditshipper.model.Offset;
import io.auditshipper.observe.ShipperMeters;
import io.auditshipper.offset.OffsetStore;
import io.auditshipper.offset.RecentlyShipped;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.source.AuditLogSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Opens and closes a pass of the {@code pass} route: loads the offsets, decides which exporters are due
 * and where reading starts, names the exporter routes each batch goes to, and logs what the pass did.
 */
public final class PassPlanner {

    public static final String PASS = "pass";
    /** The exchange property holding the stream of batches being shipped: what {@link #open} or {@link #catchUp} answered. */
    public static final String BATCHES = "batches";
    private static final Logger LOG = LoggerFactory.getLogger(PassPlanner.class);

    private final ShipperConfig config;
    private final AuditLogSource source;
    private final OffsetStore offsetStore;
    private final Clock clock;
    private final ExporterHealth health;
    private final RetryBudget retryBudget;
    private final ShipperMeters meters;
    private final List<String> exporterIds;
    /** Reads the next page ahead; passes never overlap, so one thread serves them all. */
    private final ExecutorService reader = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "source-read-ahead");
        thread.setDaemon(true);
        return thread;
    });
    /** How the wait before a catch-up stream passes: the exporters' retry waits' own, which a test records. */
    private final Sleeper sleeper;
    private volatile boolean stopping;
    /** The thread waiting before a catch-up stream, interrupted when the shipper stops; guarded by this. */
    private Thread waiting;
    /** One pass at a time: two would read from the same offsets and ship the same logs twice. */
    private final AtomicBoolean running = new AtomicBoolean();
    /** The last pass that ended (not one in progress: health reports how the last one went until the next ends). */
    private volatile Pass lastPass;
    /** A pass opened by {@link #openAhead}, which the next {@link #open} takes; null when there is none. */
    private volatile CompletableFuture<Opened> openedAhead;

    /**
     * A pass planned and the stream of batches it starts with (read ahead at once), and what it does when it begins:
     * what it writes and says. Planning only reads, so that a pass planned while Camel starts leaves nothing behind
     * when Camel fails to.
     */
    private record Opened(Pass pass, Iterator<Batch> batches, Runnable begin) {

        /** This pass, its first batch taken from its stream already ({@link BatchIterator#takeAhead}). */
        Opened withFirstBatchTaken() {
            if (batches instanceof BatchIterator stream) {
                stream.takeAhead();
            }
            return this;
        }
    }

    public PassPlanner(ShipperConfig config, AuditLogSource source, OffsetStore offsetStore, ShipperMeters meters,
                       RetryBudget retryBudget, Clock clock, Sleeper sleeper) {
        this.config = config;
        this.sleeper = sleeper;
        this.meters = meters;
        this.source = source;
        this.offsetStore = offsetStore;
        this.clock = clock;
        this.retryBudget = retryBudget;
        this.health = new ExporterHealth(config.retry(), retryBudget);
        this.exporterIds = config.exporters().stream().map(e -> e.id()).toList();
    }

    /** Starts a pass, or takes the one {@link #openAhead} opened; the body becomes the batches to ship, read lazily. */
    public Iterator<Batch> open(Exchange exchange) {
        CompletableFuture<Opened> ahead = openedAhead;
        Opened opened;
        if (ahead != null) {
            openedAhead = null;
            opened = ahead.join();
        } else {
            claimRunning();
            try {
                opened = plan();
            } catch (RuntimeException e) {
                running.set(false);
                throw e;
            }
        }
        try {
            opened.begin().run();
        } catch (RuntimeException e) {
            opened.pass().stopReading();
            running.set(false);
            throw e;
        }
        exchange.setProperty(PASS, opened.pass());
        return opened.batches();
    }

    /**
     * With {@code --once}: plans the pass on a thread of its own once {@code sourceReady} is done, while Camel starts
     * (as long again, on two cores): the offsets are read, the first pages fetched and the first batch taken by the
     * time the pass route runs, which takes this pass (or its failure) at {@link #open}. {@link #dropOpenedAhead} closes it when Camel
     * fails to start.
     */
    public void openAhead(CompletableFuture<?> sourceReady) {
        claimRunning();
        openedAhead = sourceReady.thenApplyAsync(ready -> plan().withFirstBatchTaken(), task -> {
            Thread opening = new Thread(task, "pass-opening");
            opening.setDaemon(true);
            opening.start();
        }).whenComplete((opened, failure) -> {
            if (failure != null) {
                running.set(false);
            }
        });
    }

    /** Closes the pass {@link #openAhead} planned if no route took it (Camel did not start): it wrote nothing. */
    public void dropOpenedAhead() {
        CompletableFuture<Opened> ahead = openedAhead;
        if (ahead == null) {
            return;
        }
        openedAhead = null;
        try {
            ahead.join().pass().stopReading();
            running.set(false);
        } catch (CompletionException e) {
            // nothing was opened, and the claim was released when it failed
        }
    }

    private void claimRunning() {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("a pass is already running; this one is skipped");
        }
    }

    private Opened plan() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant until = now.minus(config.settleDelay());
        StoredOffsets offsets = offsetStore.load();
        offsets.refuseFuture(exporterIds, now, offsetStore.describe());
        StoredOffsets pinned = offsets;
        Offset lookback = Offset.before(now.minus(config.lookbackPeriod()));
        for (String id : exporterIds) {
            pinned = pinned.of(id).isPresent() ? pinned : pinned.advance(id, lookback, source.order());
        }
        List<String> firstStarts = exporterIds.stream().filter(id -> offsets.of(id).isEmpty()).toList();
        Runnable reportOlder = firstStarts.isEmpty() ? () -> { } : olderThanTheLookback(firstStarts, lookback);
        Set<String> due = exporterIds.stream().filter(id -> health.isDue(id, now))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        // Twice the window: a log visible within the window of its timestamp is still after the horizon at the
        // first pass after it became visible, provided passes come at least once per window.
        RecentlyShipped recent = offsetStore.loadRecent();
        recent.track(pinned.exporters());
        recent.advanceHorizon(now.minus(config.lateArrivalWindow().multipliedBy(2)));
        Pass pass = new Pass(now, until, exporterIds, due, pinned, source.order(), recent);
        StoredOffsets starts = pinned;
        Runnable begin = () -> {
            if (!firstStarts.isEmpty()) {
                // An exporter's first start is stored at once: were it derived from the clock again on the next
                // pass after a failure, the logs between the two starts would be skipped.
                offsetStore.save(starts);
                reportOlder.run();
            }
            if (due.isEmpty()) {
                LOG.info("pass skipped: every exporter is backing off after failures");
                return;
            }
            LOG.info("pass started: reading {} after {} up to {} for {}", source.describe(),
                    due.stream().map(pass::offsetOf).min(pass.order()).orElseThrow(), until, due);
            // Alone in the stream, an exporter holds nobody back: it keeps its retries, and has no catch-up after.
            retryBudget.markSharing(pass.streamShared() ? due : Set.of());
        };
        return new Opened(pass, due.isEmpty() ? List.<Batch>of().iterator() : stream(pass, due), begin);
    }

    /**
     * A stream of batches for {@code exporters}: the logs committed late that they lack, then the source read from
     * the oldest of their offsets up to the pass's end.
     */
    private BatchIterator stream(Pass pass, Set<String> exporters) {
        Offset from = exporters.stream().map(pass::offsetOf).min(pass.order()).orElseThrow();
        ReadAhead<List<AuditLogRecord>> pages = new ReadAhead<>(source.read(from, pass.until()), reader);
        pass.reading(pages);
        List<Offset> cuts = exporterIds.stream().map(pass::offsetOf).filter(cut -> pass.order().isBefore(from, cut)).toList();
        return new BatchIterator(lateBatches(pass, exporters), pages, config.chunk(), () -> pass.anyStreaming() && !stopping,
                pass, cuts);
    }

    /** Whether the stream has a batch left: asked once the batch before is committed (the wait for a page is here). */
    public boolean hasNextBatch(@ExchangeProperty(BATCHES) Iterator<Batch> batches) {
        return batches.hasNext();
    }

    public Batch nextBatch(@ExchangeProperty(BATCHES) Iterator<Batch> batches) {
        return batches.next();
    }

    /**
     * Once a stream is over (every batch of it committed), a catch-up stream for the exporters that failed in it,
     * after the task's backoff or the {@code Retry-After} their destinations asked for ({@link #waitBeforeCatchUp}),
     * read from their own offsets and shipped to them alone with the whole retry budget (nobody waits on them any
     * more); or null, the pass being over. Taken again: an exporter that left the shared
     * stream, or a catch-up stream in which it acknowledged logs, up to {@code maxRetries} catch-up streams. Not
     * taken: one the destination refused for good (credentials, configuration), one known to be down (the backoff
     * between passes does its waiting), or any once the shipper is stopping.
     */
    public Iterator<Batch> catchUp(@ExchangeProperty(PASS) Pass pass) {
        pass.stopReading();
        int streamsOver = pass.catchUps() + 1;
        boolean sharedStreamOver = pass.streamShared();
        Set<String> again = new LinkedHashSet<>();
        for (String id : pass.leftTheStream()) {
            boolean mayCatchUp = streamsOver <= config.retry().maxRetries() && !stopping && !retryBudget.isDown(id)
                    && !pass.refused(id) && (streamsOver == 1 ? sharedStreamOver : pass.progressed(id));
            if (mayCatchUp) {
                again.add(id);
            } else {
                meters.failed(id);
            }
        }
        if (again.isEmpty()) {
            return null;
        }
        Duration backoff = waitBeforeCatchUp(pass, again, streamsOver);
        LOG.info("catching up {} from their own offsets in {} ms (catch-up {} of at most {})", again, backoff.toMillis(),
                streamsOver, config.retry().maxRetries());
        if (!sleep(backoff)) {
            again.forEach(meters::failed);
            return null;
        }
        pass.catchUp(again);
        // The catch-up sends each exporter's failed batch again: a retry, as an inline one would have been.
        again.forEach(meters::retried);
        retryBudget.markSharing(Set.of());
        return stream(pass, again);
    }

    /**
     * The wait before the {@code streamsOver}-th catch-up stream, chosen as {@link RetryPolicy} chooses an exporter's
     * retry waits: the rest of the {@code Retry-After} a destination asked for when its exporter failed (counted from
     * the failure, within {@code maxDelay}), else the backoff's delay; the longest of the exporters', as they share
     * the catch-up stream and none may be sent to before its destination said.
     */
    private Duration waitBeforeCatchUp(Pass pass, Set<String> exporters, int streamsOver) {
        Instant now = clock.instant();
        double jitter = ThreadLocalRandom.current().nextDouble();
        return exporters.stream()
                .map(id -> RetryPolicy.wait(config.retry(), streamsOver, pass.restOfAskedWait(id, now), jitter))
                .max(Comparator.naturalOrder()).orElseThrow();
    }

    /** Waits, unless the shipper stops meanwhile ({@link #stop} interrupts the wait); whether the wait ran its course. */
    private boolean sleep(Duration wait) {
        synchronized (this) {
            if (stopping) {
                return false;
            }
            waiting = Thread.currentThread();
        }
        try {
            sleeper.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            if (!stopping) {
                Thread.currentThread().interrupt();
            }
            return false;
        } finally {
            synchronized (this) {
                waiting = null;
                if (stopping) {
                    // stop()'s interrupt was meant for the wait alone: the pass ends as any cut short does.
                    Thread.interrupted();
                }
            }
        }
    }

    /**
     * The logs committed late: re-reads the source from the late-arrival horizon up to the furthest offset of the
     * due exporters, and keeps the logs some of them lack behind their offsets. Bounded by the window, not by the
     * backlog; shipped before the pass goes forward.
     */
    private List<Batch> lateBatches(Pass pass, Set<String> due) {
        List<String> behind = due.stream().filter(id -> !pass.offsetOf(id).timestamp().isBefore(pass.lateHorizon())).toList();
        if (behind.isEmpty()) {
            return List.of();
        }
        Offset furthest = behind.stream().map(pass::offsetOf).max(pass.order()).orElseThrow();
        Instant until = furthest.timestamp().isBefore(pass.until()) ? furthest.timestamp() : pass.until();
        List<AuditLogRecord> late = new ArrayList<>();
        for (Iterator<List<AuditLogRecord>> pages = source.read(Offset.before(pass.lateHorizon()), until); pages.hasNext(); ) {
            for (AuditLogRecord log : pages.next()) {
                if (behind.stream().anyMatch(id -> pass.recent().lacks(id, pass.offsetOf(id), log, pass.order()))) {
                    late.add(log);
                }
            }
        }
        if (late.isEmpty()) {
            return List.of();
        }
        LOG.info("found {} logs committed late, behind the offsets of {}: shipping them first", late.size(), behind);
        List<Batch> batches = new ArrayList<>();
        for (int from = 0; from < late.size(); from += config.chunk()) {
            batches.add(new Batch(late.subList(from, Math.min(late.size(), from + config.chunk())), true));
        }
        return batches;
    }

    /**
     * Counts, at the first start of {@code exporters}, the logs stamped before their start at the lookback, which they
     * will not get; answers the report, said when the pass begins rather than skipped in silence, with the way to
     * ship them.
     */
    private Runnable olderThanTheLookback(List<String> exporters, Offset lookback) {
        long older;
        try {
            older = source.countBefore(lookback.timestamp());
        } catch (RuntimeException e) {
            String reason = SecretRedactor.redact(e.getMessage());
            return () -> LOG.warn("cannot count the logs before the lookback start {}: {}", lookback, reason);
        }
        return () -> {
            if (older > 0) {
                exporters.forEach(id -> meters.olderThanTheLookback(id, older));
                LOG.warn("{} logs stamped before {} (now minus lookbackPeriod {}) are not shipped to {}, which start there;"
                        + " to ship them, set an earlier offset: --set-offset EXPORTER=TIMESTAMP", older, lookback.timestamp(),
                        config.lookbackPeriod(), exporters);
            }
        };
    }

    /** The exporter routes that still need something of this batch. */
    public String recipients(@Body Batch batch, @ExchangeProperty(PASS) Pass pass) {
        return exporterIds.stream()
                .filter(id -> pass.isStreaming(id) && (batch.late() ? !pass.pending(batch, id).isEmpty()
                        : pass.order().isBefore(pass.offsetOf(id), batch.last())))
                .map(id -> "direct:export-" + id)
                .collect(Collectors.joining(","));
    }

    /** Ends the pass: updates each exporter's backoff and logs what was read, shipped and where each stands. */
    public Pass close(@ExchangeProperty(PASS) Pass pass) {
        pass.stopReading();
        retryBudget.markSharing(Set.of());
        running.set(false);
        Instant now = clock.instant();
        StringBuilder summary = new StringBuilder();
        for (String id : exporterIds) {
            Offset offset = pass.offsetOf(id);
            Duration lag = Duration.between(offset.timestamp(), pass.until());
            summary.append(String.format("%n  %-20s shipped %8d  offset %s  lag %s", id, pass.shipped(id), offset,
                    lag.isNegative() ? Duration.ZERO : lag.truncatedTo(ChronoUnit.SECONDS)));
            if (pass.late(id) > 0) {
                summary.append("  (").append(pass.late(id)).append(" committed late)");
            }
            String error = pass.failures().get(id);
            if (error != null) {
                Instant retryAt = health.failed(id, now, pass.restOfAskedWait(id, now));
                summary.append("  FAILED, next try after ").append(retryAt.truncatedTo(ChronoUnit.SECONDS))
                        .append(": ").append(error);
            } else if (pass.isActive(id)) {
                health.succeeded(id);
            } else {
                summary.append("  (backing off, not tried this pass)");
            }
        }
        LOG.info("pass finished in {} ms: read {} logs{}; global offset {}{}",
                Duration.between(pass.startedAt(), now).toMillis(), pass.read(),
                pass.deleted() > 0 ? ", deleted " + pass.deleted() + " from the source" : "",
                pass.globalOffset().map(Offset::toString).orElse("none"), summary);
        meters.passEnded(pass);
        lastPass = pass;
        return pass;
    }

    /**
     * The pass ended on an error outside the exporters: logs it once, clearly, and answers the pass marked
     * failed (a pass of its own when it failed before it could start).
     */
    public Pass failed(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable caught, Exchange exchange) {
        Throwable cause = withoutCamelWrappers(caught);
        String error = SecretRedactor.redact(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        LOG.debug("pass failed", caught);
        Pass pass = exchange.getProperty(PASS, Pass.class);
        boolean started = pass != null;
        if (pass == null) {
            Instant now = clock.instant();
            pass = new Pass(now, now, exporterIds, Set.of(), StoredOffsets.NONE, source.order(), RecentlyShipped.none());
        } else {
            pass.stopReading();
            retryBudget.markSharing(Set.of());
            running.set(false);
        }
        pass.abort(error);
        meters.passEnded(pass);
        lastPass = pass;
        // Logged once the pass is marked failed, so that whoever reads this line finds the health check saying so.
        LOG.error("pass failed: {}; offsets stay at the last batch every exporter acknowledged{}", error,
                started ? " (global " + pass.globalOffset().map(Offset::toString).orElse("none") + ")" : "");
        return pass;
    }

    /**
     * The failure under Camel's own wrappers ("Exception occurred during execution on the exchange", which says
     * nothing about what failed): what the log line and the summary name.
     */
    static Throwable withoutCamelWrappers(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause && (cause instanceof org.apache.camel.CamelExchangeException
                || cause instanceof org.apache.camel.RuntimeCamelException || cause instanceof java.util.concurrent.ExecutionException
                || cause instanceof java.util.concurrent.CompletionException)) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Called when the shipper stops: the pass in flight ends at the next batch boundary. */
    public void stop() {
        synchronized (this) {
            stopping = true;
            if (waiting != null) {
                waiting.interrupt();
            }
        }
    }

    public Pass lastPass() {
        return lastPass;
    }
}
