package io.auditshipper.exporter.search;

import io.auditshipper.config.RetryConfig;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.model.AuditLogRecord;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Indexes records with {@code _bulk} and reads the answer item by item, the same way for Elasticsearch
 * and OpenSearch: an item indexed (2xx) is done; an item refused for "later" (429, 5xx) is sent again,
 * alone with the other such items, after an exponential backoff with jitter; any other item error
 * (a mapping conflict, a document too large) is parked in the dead-letter file with the reason. A bulk
 * partly failed is therefore never reported as shipped. Every document's {@code _id} is its audit log
 * id, so sending one again overwrites it.
 */
public final class BulkIndexer {

    /** One search engine's client: sends a bulk index of the records, answers one item per record, in order. */
    public interface BulkClient {
        List<ItemResult> index(List<AuditLogRecord> records) throws Exception;

        /** The HTTP status of a failed whole request, when the failure carries one. */
        OptionalInt statusOf(Throwable failure);
    }

    public record ItemResult(int status, String errorType, String reason) {
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
    private final RetryBudget retryBudget;
    private final Counter retries;
    private final DeadLetterFile deadLetters;

    public BulkIndexer(String exporterId, String destination, BulkClient client, RetryBudget retryBudget, Counter retries,
                       DeadLetterFile deadLetters) {
        this.exporterId = exporterId;
        this.destination = destination;
        this.client = client;
        this.retryBudget = retryBudget;
        this.retries = retries;
        this.deadLetters = deadLetters;
    }

    public void index(List<AuditLogRecord> records) {
        List<AuditLogRecord> pending = records;
        RetryConfig retry = retryBudget.of(exporterId);
        for (int attempt = 0; ; attempt++) {
            String why;
            try {
                pending = indexOnce(pending);
                if (pending.isEmpty()) {
                    return;
                }
                why = pending.size() + " of the bulk's items were refused for now (429 or 5xx)";
            } catch (DestinationUnavailableException e) {
                throw e;
            } catch (Exception e) {
                Throwable cause = e.getCause() != null && e.getClass().getName().startsWith("org.apache.camel") ? e.getCause() : e;
                OptionalInt status = client.statusOf(cause);
                if (status.isPresent() && (status.getAsInt() == 401 || status.getAsInt() == 403)) {
                    throw new DestinationUnavailableException("exporter " + exporterId + ": " + destination + " answered "
                            + status.getAsInt() + "; check connection.basicAuth or the headers", null);
                }
                Optional<SSLException> tls = tlsFailure(cause);
                if (tls.isPresent()) {
                    // Retrying cannot make a certificate trusted.
                    throw new DestinationUnavailableException("exporter " + exporterId + ": the TLS certificate of " + destination
                            + " is not trusted (" + tls.get().getMessage() + "); add its CA to the JVM's trust store, or set"
                            + " connection.trustAllSsl: true to skip the verification", null);
                }
                if (status.isPresent() && status.getAsInt() == 413 && pending.size() > 1) {
                    int half = pending.size() / 2;
                    LOG.info("exporter {}: {} answered 413 for a bulk of {}; sending it in two halves", exporterId, destination, pending.size());
                    index(pending.subList(0, half));
                    index(pending.subList(half, pending.size()));
                    return;
                }
                if (status.isPresent() && status.getAsInt() / 100 == 4 && status.getAsInt() != 408 && status.getAsInt() != 429) {
                    deadLetters.park(pending, "HTTP " + status.getAsInt() + " from " + destination + " for the whole bulk: "
                            + SecretRedactor.redact(String.valueOf(cause.getMessage())));
                    return;
                }
                why = "the bulk request failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
            if (attempt >= retry.maxRetries()) {
                throw new DestinationUnavailableException("exporter " + exporterId + ": gave up after " + (attempt + 1)
                        + " attempts at " + destination + ": " + SecretRedactor.redact(why), null);
            }
            long wait = retry.delayAfter(attempt + 1, ThreadLocalRandom.current().nextDouble()).toMillis();
            LOG.warn("exporter {}: {}; retrying in {} ms", exporterId, SecretRedactor.redact(why), wait);
            retries.increment();
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DestinationUnavailableException("exporter " + exporterId + ": interrupted while waiting to retry", e);
            }
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
