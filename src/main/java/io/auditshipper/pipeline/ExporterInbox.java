package io.auditshipper.pipeline;

import io.auditshipper.config.SecretRedactor;
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
        return new ExportResult(exporterId, shipped.size(), batch.late() ? null : batch.last(), null);
    }

    /**
     * Camel's {@code retryWhile} for the exporters whose retries are Camel redeliveries: whether the redelivery
     * about to be made (Camel counts them from 1) is within the exporter's {@link RetryBudget}.
     */
    public boolean mayRetry(@Header(Exchange.REDELIVERY_COUNTER) Integer redelivery, @ExchangeProperty(EXPORTER_ID) String exporterId) {
        return redelivery != null && redelivery <= retryBudget.of(exporterId).maxRetries();
    }

    /** Called once the retries are exhausted: the batch is not acknowledged, and the exporter leaves the pass. */
    public ExportResult failed(@ExchangeProperty(BATCH) Batch batch, @ExchangeProperty(EXPORTER_ID) String exporterId,
                               @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable cause) {
        String error = SecretRedactor.redact(cause instanceof FileSystemException fs
                ? "cannot write " + fs.getFile() + ": " + IoReasons.of(fs)
                : cause.getClass().getSimpleName() + ": " + cause.getMessage());
        LOG.warn("exporter {} failed on logs {}..{} after retries: {}", exporterId, batch.first(), batch.last(), error);
        return new ExportResult(exporterId, 0, null, error);
    }
}
