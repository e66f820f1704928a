package io.auditshipper.pipeline;

import io.auditshipper.config.SecretRedactor;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.retry.RetriesSpentException;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Batch;
import io.auditshipper.storage.IoReasons;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.FileSystemException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The shared steps around every exporter route: what of the batch this exporter still needs (it may
 * already hold part of it from an earlier pass), and the acknowledgement or failure it answers with.
 */
public final class ExporterInbox {

    public static final String EXPORTER_ID = "exporterId";
    public static final String BATCH = "batch";
    private static final Logger LOG = LoggerFactory.getLogger(ExporterInbox.class);

    /** Turns a destination's {@code Retry-After} into the time it names, counted from the failure. */
    private final Clock clock;

    public ExporterInbox(Clock clock) {
        this.clock = clock;
    }

    public List<AuditLogRecord> pending(@ExchangeProperty(BATCH) Batch batch, @ExchangeProperty(PassPlanner.PASS) Pass pass,
                                        @ExchangeProperty(EXPORTER_ID) String exporterId) {
        return pass.pending(batch, exporterId);
    }

    /**
     * The exporter took {@code shipped} durably: the batch is acknowledged up to its last log, or, late, without
     * moving the offset (its logs lie behind it, and its last one may lie ahead of this exporter's offset).
     */
    public ExportResult acknowledge(@Body List<AuditLogRecord> shipped, @ExchangeProperty(BATCH) Batch batch,
                                    @ExchangeProperty(EXPORTER_ID) String exporterId) {
        return new ExportResult(exporterId, shipped, batch.late() ? null : batch.last(), null, false, null);
    }

    /**
     * Whether the destination refused the batch for good: a {@link DestinationUnavailableException} says the
     * destination refused the credentials or the configuration (401/403, a wrong index or endpoint: the same answer
     * again on a catch-up), unless it is the {@link RetriesSpentException} of an exporter whose retries ran out. Any
     * other exception (a write that failed, a connection refused) is worth trying again.
     */
    private static boolean refused(Throwable cause) {
        return cause instanceof DestinationUnavailableException && !(cause instanceof RetriesSpentException);
    }

    /**
     * Called once the retries the exporter may spend ({@link RetryBudget}: none while it shares the pass's stream)
     * are spent: the batch is not acknowledged, and the exporter leaves the stream of batches.
     */
    public ExportResult failed(@ExchangeProperty(BATCH) Batch batch, @ExchangeProperty(EXPORTER_ID) String exporterId,
                               @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable cause) {
        String error = SecretRedactor.redact(cause instanceof FileSystemException fs
                ? "cannot write " + fs.getFile() + ": " + IoReasons.of(fs)
                : cause.getClass().getSimpleName() + ": " + cause.getMessage());
        LOG.warn("exporter {} failed on logs {}..{}: {}", exporterId, batch.first(), batch.last(), error);
        Instant notBefore = cause instanceof RetriesSpentException spent
                ? spent.retryAfter().map(clock.instant()::plus).orElse(null) : null;
        return new ExportResult(exporterId, List.of(), null, error, refused(cause), notBefore);
    }
}
