package io.auditshipper.pipeline;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

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
        } else {
            Throwable cause = newExchange.getException();
            throw new IllegalStateException("an exporter route answered " + answer + " instead of an ExportResult",
                    cause);
        }
        return into;
    }
}
