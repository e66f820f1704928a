package io.auditshipper.pipeline;

import io.auditshipper.config.SecretRedactor;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Batch;
import io.auditshipper.storage.IoReasons;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.FileSystemException;
import java.util.List;

/**
 * The shared steps around every exporter route: what of the batch this exporter still needs (it may
 * already hold part of it from an earlier pass), and the acknowledgement or failure it answers with.
 */
public final class ExporterInbox {

    public static final String EXPORTER_ID = "exporterId";
    public static final String BATCH = "batch";
    private static final Logger LOG = LoggerFactory.getLogger(ExporterInbox.class);
    /** How HttpDelivery, BulkIndexer and the syslog exporter say that their retries are spent. */
    private static final String RETRIES_SPENT = "gave up after";

    private final RetryBudget retryBudget;

    public ExporterInbox(RetryBudget retryBudget) {
        this.retryBudget = retryBudget;
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
        return new ExportResult(exporterId, shipped.size(), batch.late() ? null : batch.last(), null, false);
    }

    /**
     * Camel's {@code retryWhile} for the exporters whose retries are Camel redeliveries: whether the redelivery
     * about to be made (Camel counts them from 1) is within the exporter's {@link RetryBudget}.
     */
    public boolean mayRetry(@Header(Exchange.REDELIVERY_COUNTER) Integer redelivery, @ExchangeProperty(EXPORTER_ID) String exporterId) {
        return redelivery != null && redelivery <= retryBudget.of(exporterId).maxRetries();
    }

    /**
     * Whether the destination refused the batch for good: a {@link DestinationUnavailableException} is raised both
     * when the destination refuses the credentials or the configuration (401/403, a wrong index or endpoint: the
     * same answer again on a catch-up) and when the exporter's own retries are spent; only the latter says it
     * "gave up after" its attempts. Any other exception is one Camel redelivers, so worth trying again.
     */
    private static boolean refused(Throwable cause) {
        return cause instanceof DestinationUnavailableException && !String.valueOf(cause.getMessage()).contains(RETRIES_SPENT);
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
        return new ExportResult(exporterId, 0, null, error, refused(cause));
    }
}
