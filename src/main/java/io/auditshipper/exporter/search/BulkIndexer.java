package io.auditshipper.exporter.search;

import io.auditshipper.config.SecretRedactor;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.retry.Outcome;
import io.auditshipper.exporter.retry.RetryPolicy;
import io.auditshipper.model.AuditLogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Indexes records with {@code _bulk} and reads the answer item by item, the same way for Elasticsearch
 * and OpenSearch: an item indexed (2xx) is done; an item refused for "later" (429, 5xx) is sent again,
 * alone with the other such items, after an exponential backoff with jitter; any other item error
 * (a mapping conflict, a document too large) is parked in the dead-letter file with the reason. A bulk
 * partly failed is therefore never reported as shipped. Every document's {@code _id} is its audit log
 * id, so sending one again overwrites it.
 * <p>
 * A 4xx for the whole request judges no item: it is the request's fault (a wrong host or path prefix, a
 * proxy answering 404, an index name the engine refuses), so the exporter stops for the pass with its
 * offset unmoved, naming the URL, the status and what to check. Only a 400 is bisected first, in case one
 * record makes the whole bulk unreadable: that record is parked when its neighbours are then indexed; when
 * both halves are refused too, it is the request.
 */
public final class BulkIndexer {

    /** One search engine's client: sends a bulk index of the records, answers one item per record, in order. */
    public interface BulkClient {
        List<ItemResult> index(List<AuditLogRecord> records) throws Exception;

        /** The HTTP status of a failed whole request, when the failure carries one. */
        OptionalInt statusOf(Throwable failure);
    }

    public record ItemResult(int status, String errorType, String reason) {
        /** An item's result from its status and its error cause (null when indexed), read with the engine's accessors. */
        public static <E> ItemResult of(int status, E error, Function<E, String> type, Function<E, String> reason) {
            return error == null ? new ItemResult(status, null, null) : new ItemResult(status, type.apply(error), reason.apply(error));
        }

        boolean indexed() {
            return status / 100 == 2;
        }

        boolean retryable() {
            return status == 429 || status / 100 == 5;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BulkIndexer.class);

    private final String exporterId;
    private final String destination;
    private final BulkClient client;
    private final RetryPolicy retryPolicy;
    private final DeadLetterFile deadLetters;

    public BulkIndexer(String exporterId, String destination, BulkClient client, RetryPolicy retryPolicy,
                       DeadLetterFile deadLetters) {
        this.exporterId = exporterId;
        this.destination = destination;
        this.client = client;
        this.retryPolicy = retryPolicy;
        this.deadLetters = deadLetters;
    }

    public void index(List<AuditLogRecord> records) throws Exception {
        try {
            indexOrRefuse(records);
        } catch (RequestRefused refused) {
            throw new DestinationUnavailableException("exporter " + exporterId + ": " + destination + " answered "
                    + refused.status + " to the whole bulk request (" + refused.getMessage() + "); no record is at fault:"
                    + " check connection.hosts and connection.pathPrefix (a proxy answers 404 to a path it does not route)"
                    + " and indexName", null);
        }
    }

    /** A 4xx for a whole bulk request of these records, judging none of them. */
    private static final class RequestRefused extends RuntimeException {
        final int status;

        RequestRefused(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    private void indexOrRefuse(List<AuditLogRecord> records) throws Exception {
        // The items still to index: those refused for "later" are sent again, alone.
        List<AuditLogRecord> pending = new ArrayList<>(records);
        Outcome<Integer> outcome = retryPolicy.run(() -> attempt(pending));
        if (!(outcome instanceof Outcome.Reject<Integer> rejected)) {
            return;
        }
        int status = rejected.answer();
        if (status == 413 && pending.size() > 1) {
            int half = pending.size() / 2;
            LOG.info("exporter {}: {} answered 413 for a bulk of {}; sending it in two halves", exporterId, destination, pending.size());
            indexOrRefuse(pending.subList(0, half));
            indexOrRefuse(pending.subList(half, pending.size()));
            return;
        }
        RequestRefused refused = new RequestRefused(status, rejected.reason());
        if (status == 400 && pending.size() > 1) {
            bisect(pending, refused);
            return;
        }
        throw refused;
    }

    /**
     * One bulk of the pending items, classified: done once none is left; retried while items or the whole request
     * are refused for "later"; a 4xx for the whole request rejected with its status (the caller splits, bisects or
     * gives up); refused credentials or an untrusted certificate fatal (no retry can mend them).
     */
    private Outcome<Integer> attempt(List<AuditLogRecord> pending) {
        try {
            List<AuditLogRecord> again = indexOnce(List.copyOf(pending));
            pending.clear();
            pending.addAll(again);
            return again.isEmpty() ? Outcome.done(200)
                    : Outcome.retry(again.size() + " of the bulk's items were refused for now (429 or 5xx) by " + destination);
        } catch (DestinationUnavailableException e) {
            throw e;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null && e.getClass().getName().startsWith("org.apache.camel") ? e.getCause() : e;
            OptionalInt status = client.statusOf(cause);
            if (status.isPresent() && (status.getAsInt() == 401 || status.getAsInt() == 403)) {
                return Outcome.fatal(destination + " answered " + status.getAsInt() + "; check connection.basicAuth or the headers");
            }
            Optional<SSLException> tls = tlsFailure(cause);
            if (tls.isPresent()) {
                return Outcome.fatal("the TLS certificate of " + destination + " is not trusted (" + tls.get().getMessage()
                        + "); add its CA to the JVM's trust store, or set connection.trustAllSsl: true to skip the verification");
            }
            if (status.isPresent() && status.getAsInt() / 100 == 4 && status.getAsInt() != 408 && status.getAsInt() != 429) {
                return Outcome.reject(status.getAsInt(), SecretRedactor.redact(String.valueOf(cause.getMessage())));
            }
            return Outcome.retry("the bulk request to " + destination + " failed: " + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage());
        }
    }

    /**
     * After a 400 for the whole bulk: the halves alone. A record refused alone while its other half was indexed
     * is parked; a half of several records refused (its own halves both refused) or both halves refused mean the
     * request is at fault, and no more is sent.
     */
    private void bisect(List<AuditLogRecord> records, RequestRefused refused) throws Exception {
        LOG.info("exporter {}: {} answered 400 to a bulk of {} ({}); sending it in two halves to find a record at fault",
                exporterId, destination, records.size(), refused.getMessage());
        int half = records.size() / 2;
        List<AuditLogRecord> first = records.subList(0, half);
        List<AuditLogRecord> second = records.subList(half, records.size());
        RequestRefused firstRefused = refusal(first);
        if (firstRefused != null && first.size() > 1) {
            throw firstRefused;
        }
        RequestRefused secondRefused = refusal(second);
        if (firstRefused != null && secondRefused != null || secondRefused != null && second.size() > 1) {
            throw secondRefused;
        }
        if (firstRefused != null || secondRefused != null) {
            RequestRefused alone = firstRefused != null ? firstRefused : secondRefused;
            deadLetters.park(firstRefused != null ? first : second, "HTTP " + alone.status + " from " + destination
                    + " for a bulk of this record alone, its neighbours indexed: " + alone.getMessage());
        }
    }

    private RequestRefused refusal(List<AuditLogRecord> records) throws Exception {
        try {
            indexOrRefuse(records);
            return null;
        } catch (RequestRefused refused) {
            return refused;
        }
    }

    private static Optional<SSLException> tlsFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException || cause instanceof SSLPeerUnverifiedException) {
                return Optional.of((SSLException) cause);
            }
        }
        return Optional.empty();
    }

    /** One bulk: parks the rejected items and answers those to send again. */
    private List<AuditLogRecord> indexOnce(List<AuditLogRecord> records) throws Exception {
        List<ItemResult> results = client.index(records);
        if (results.size() != records.size()) {
            throw new IllegalStateException(destination + " answered " + results.size() + " items for a bulk of " + records.size());
        }
        List<AuditLogRecord> again = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ItemResult result = results.get(i);
            if (result.retryable()) {
                again.add(records.get(i));
            } else if (!result.indexed()) {
                deadLetters.park(List.of(records.get(i)), "HTTP " + result.status() + " " + result.errorType() + ": " + result.reason());
            }
        }
        return again;
    }
}
