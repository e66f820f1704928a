package io.auditshipper.exporter;

import io.auditshipper.exporter.retry.Outcome;
import io.auditshipper.exporter.retry.RetryPolicy;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;

import java.util.List;

/**
 * Every exporter as the pass calls it ({@link ExporterFactory}): a batch that fails with an exception (a file not
 * written, an upload or an SDK call failed, a Camel endpoint down) is shipped again through the exporter's
 * {@link RetryPolicy}. A {@link DestinationUnavailableException} is not: the exporter has read the destination's
 * answer (and retried the requests that deserved it) already. Once the retries are spent the last failure is thrown,
 * as the exporter threw it.
 */
final class RetryingExporter implements LogExporter {

    private final LogExporter delegate;
    private final RetryPolicy retryPolicy;

    RetryingExporter(LogExporter delegate, RetryPolicy retryPolicy) {
        this.delegate = delegate;
        this.retryPolicy = retryPolicy;
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws Exception {
        retryPolicy.run(() -> {
            try {
                delegate.ship(records);
                return Outcome.done(records);
            } catch (DestinationUnavailableException e) {
                throw e;
            } catch (Exception e) {
                return Outcome.retryAfterFailure(e);
            }
        });
    }

    @Override
    public void bind(CamelContext context) {
        delegate.bind(context);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
