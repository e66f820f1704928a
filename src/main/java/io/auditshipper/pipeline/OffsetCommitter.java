package io.auditshipper.pipeline;

import io.auditshipper.model.Batch;
import io.auditshipper.model.Offset;
import io.auditshipper.observe.ShipperMeters;
import io.auditshipper.offset.OffsetStore;
import io.auditshipper.offset.RecentlyShipped;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.source.AuditLogSource;
import io.auditshipper.verify.VerifiedDelete;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The idempotent commit after each batch: each exporter that acknowledged the batch moves its offset to
 * the batch's last log (never backwards: a repeated commit is a no-op), failed ones leave the stream of batches,
 * and the offsets are stored before the next batch is read. With {@code delete}, the logs every exporter
 * now holds are removed from the source.
 */
public final class OffsetCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

    private final OffsetStore store;
    private final AuditLogSource source;
    private final boolean delete;
    private final VerifiedDelete verifiedDelete;
    private final ShipperMeters meters;
    private long lastProgress = System.nanoTime();

    public OffsetCommitter(OffsetStore store, AuditLogSource source, boolean delete, VerifiedDelete verifiedDelete,
                           ShipperMeters meters) {
        this.store = store;
        this.source = source;
        this.delete = delete;
        this.verifiedDelete = verifiedDelete;
        this.meters = meters;
    }

    /** {@code answers} is the list of results, or the batch itself when no exporter needed it. */
    public void commit(@Body Object answers, @ExchangeProperty(ExporterInbox.BATCH) Batch batch,
                       @ExchangeProperty(PassPlanner.PASS) Pass pass) {
        List<?> results = answers instanceof List<?> list ? list : List.of();
        StoredOffsets before = pass.offsets();
        StoredOffsets next = before;
        RecentlyShipped recent = pass.recent();
        for (ExportResult result : results.stream().map(ExportResult.class::cast).toList()) {
            if (result.succeeded()) {
                recent.record(result.exporterId(), result.records());
                if (result.upTo() != null) {
                    next = next.advance(result.exporterId(), result.upTo(), pass.order());
                }
                pass.countShipped(result.exporterId(), result.shipped());
                if (batch.late()) {
                    pass.countLate(result.exporterId(), result.shipped());
                }
            } else {
                // Counted as given up (ShipperMeters.failed) only if no catch-up stream takes it again.
                pass.fail(result.exporterId(), result.error(), result.refused(), result.notBefore());
            }
        }
        // Before the offsets: a crash between the two ships the batch again (it lies ahead of the old offsets),
        // where the other order would take its logs, unrecorded behind the new offsets, for late ones.
        if (recent.takeChanged()) {
            store.saveRecent(recent);
        }
        if (next != before) {
            store.save(next);
            pass.offsets(next);
            if (pass.firstCommit()) {
                LOG.info("first batch committed: offsets {}", next.exporters());
            }
        }
        // Counted once the offset is stored: an acknowledgement that was not committed will be shipped again.
        results.stream().map(ExportResult.class::cast).filter(ExportResult::succeeded)
                .forEach(result -> meters.acknowledged(result.exporterId(), result.shipped(), batch.late()));
        if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
            lastProgress = System.nanoTime();
            LOG.info("progress: read {} logs, offsets {}", pass.read(), next.exporters());
        }
        if (delete) {
            // Logs after the late-arrival horizon stay: one committed late among them would be deleted unshipped.
            Offset horizon = Offset.before(pass.lateHorizon());
            UnaryOperator<Offset> deletable = offset -> pass.order().min(offset, horizon);
            Optional<Offset> was = before.global(pass.exporterIds(), pass.order()).map(deletable);
            Optional<Offset> now = next.global(pass.exporterIds(), pass.order()).map(deletable);
            if (now.isPresent() && (was.isEmpty() || pass.order().isBefore(was.get(), now.get()))) {
                // verifyBeforeDelete: only up to what every readable destination is checked to hold.
                verifiedDelete.deletableUpTo(now.get()).ifPresent(upTo -> pass.countDeleted(source.deleteUpTo(upTo)));
            }
        }
    }
}
