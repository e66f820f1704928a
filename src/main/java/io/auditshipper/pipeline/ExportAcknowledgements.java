package io.auditshipper.pipeline;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

import java.util.ArrayList;
import java.util.List;

/** Gathers the exporters' {@link ExportResult}s for one batch into a list, the body the committer reads. */
public final class ExportAcknowledgements implements AggregationStrategy {

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Object answer = newExchange.getMessage().getBody();
        Exchange into = oldExchange == null ? newExchange : oldExchange;
        List<ExportResult> results = oldExchange == null ? new ArrayList<>() : into.getMessage().getBody(List.class);
        into.getMessage().setBody(results);
        if (answer instanceof ExportResult result) {
            results.add(result);
            // An exporter that gave up answers with a failed ExportResult, but its exchange still carries the
            // mark of the failure its onException handled. Kept on the gathered answer, that mark would stop the
            // pass as if it had failed (the commit skipped, the loop over the batches stopped) whenever the failed exporter's
            // answer came first, or alone.
            into.getExchangeExtension().setErrorHandlerHandled(null);
            into.removeProperty(ExchangePropertyKey.FAILURE_HANDLED);
            into.removeProperty(ExchangePropertyKey.EXCEPTION_CAUGHT);
        } else {
            Throwable cause = newExchange.getException();
            throw new IllegalStateException("an exporter route answered " + answer + " instead of an ExportResult",
                    cause);
        }
        return into;
    }
}
