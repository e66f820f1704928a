package io.auditshipper.exporter.http;

import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.retry.Outcome;
import io.auditshipper.exporter.retry.RetryPolicy;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Posts an exporter's requests through camel-http and reads the answers as log intake APIs give them
 * ({@link HttpStatusClassifier}): 2xx accepted; 408, 429 and 5xx (and no answer) retried by the exporter's
 * {@link RetryPolicy}, honouring {@code Retry-After}; 413, 400 and 422 halve the request until the record at fault stands alone, which is
 * parked in the dead-letter file with the reason (so one bad record does not take its neighbours along);
 * other 4xx park the request's records; 401/403 fail the exporter (wrong credentials are not the records' fault).
 * A connection not established within {@link RetryBudget#SHARED_STREAM_CONNECT_TIMEOUT} while the exporter shares the
 * pass's stream (not a wait for the others; the user's {@code options.timeout.connectTimeout} when shorter), or on its
 * own within that option or else {@link RetryBudget#HTTP_CONNECT_TIMEOUT} (camel-http's default, 3 minutes, per
 * attempt of a catch-up), is no answer; requests go through the options' proxy if any ({@link HttpClientOptions}), retried (nothing was sent); an answer is waited for
 * as long as camel-http waits, since a request given up on might still be taken and sent again would be taken twice.
 */
public final class HttpDelivery {

    /** A destination's answer, and the records of the request it answered. */
    public record Response(int status, byte[] body, List<AuditLogRecord> records) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Builds a part of a request (its records {@code from} to {@code to}) when a request is halved. */
    @FunctionalInterface
    public interface Parts {
        LogRequest part(LogRequest request, int from, int to) throws Exception;
    }

    /**
     * Reads a refusal that no retry, split or dead letter can mend (a token refused, an index the token may not
     * write to, an endpoint with no intake behind it): the fix to print, or null to handle the answer as above.
     */
    @FunctionalInterface
    public interface FatalAnswers {
        String fix(int status, String body);
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);

    private final String exporterId;
    private final String url;
    private final String contentType;
    private final Map<String, String> headers;
    private final HttpClientOptions options;
    private final RetryPolicy retryPolicy;
    private final HttpStatusClassifier classifier;
    private final DeadLetterFile deadLetters;
    private final RetryBudget retryBudget;
    private volatile ProducerTemplate template;

    public HttpDelivery(String exporterId, String url, String contentType, Map<String, String> headers,
                        HttpClientOptions options, ExporterContext context, DeadLetterFile deadLetters) {
        this(exporterId, url, contentType, headers, options, context, deadLetters, (status, body) -> null);
    }

    /** With the destination's own reading of the answers that stop the exporter at once ({@link FatalAnswers}). */
    public HttpDelivery(String exporterId, String url, String contentType, Map<String, String> headers,
                        HttpClientOptions options, ExporterContext context, DeadLetterFile deadLetters,
                        FatalAnswers fatalAnswers) {
        this.exporterId = exporterId;
        this.options = options;
        this.url = url;
        this.contentType = contentType;
        this.headers = Map.copyOf(headers);
        this.retryPolicy = context.retryPolicy(exporterId);
        this.classifier = new HttpStatusClassifier(url, fatalAnswers, context.clock());
        this.deadLetters = deadLetters;
        this.retryBudget = context.retryBudget();
    }

    public void bind(CamelContext context) {
        // Apache HttpClient would re-execute 429 and 503 answers itself; this class is the one retry layer.
        for (String scheme : new String[]{"http", "https"}) {
            context.getComponent(scheme, HttpComponent.class).setHttpClientConfigurer(HttpClientBuilder::disableAutomaticRetries);
        }
        template = context.createProducerTemplate();
    }

    /** Delivers the request; the accepted answers (one per request actually sent, after any 413 split). */
    public List<Response> deliver(LogRequest request, Parts parts) throws Exception {
        Outcome<Response> outcome = send(request);
        if (outcome instanceof Outcome.Done<Response> done) {
            return List.of(new Response(done.answer().status(), done.answer().body(), request.records()));
        }
        Outcome.Reject<Response> rejected = (Outcome.Reject<Response>) outcome;
        int status = rejected.answer().status();
        if ((status == 413 || status == 400 || status == 422) && request.records().size() > 1) {
            List<AuditLogRecord> records = request.records();
            int half = records.size() / 2;
            LOG.info("exporter {}: {} answered {} for {} records; sending them in two halves", exporterId, url, status,
                    records.size());
            List<Response> first = deliver(parts.part(request, 0, half), parts);
            List<Response> second = deliver(parts.part(request, half, records.size()), parts);
            return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
        }
        deadLetters.park(request.records(), rejected.reason());
        return List.of();
    }

    /** A request that carries no records (a status poll): the first final answer, retried as any request is. */
    public Response post(byte[] body) throws Exception {
        Outcome<Response> outcome = send(new LogRequest(List.of(), List.of(), body));
        return outcome instanceof Outcome.Done<Response> done ? done.answer() : ((Outcome.Reject<Response>) outcome).answer();
    }

    /** One request, through the exporter's {@link RetryPolicy}: done or rejected, once the answer is final. */
    private Outcome<Response> send(LogRequest request) throws Exception {
        if (template == null) {
            throw new IllegalStateException("exporter " + exporterId + " is not bound to the Camel context");
        }
        return retryPolicy.run(() -> {
            // Per request: the exporter may share the pass's stream now and catch up alone later (RetryBudget).
            Duration connectTimeout = retryBudget.connectTimeout(exporterId, options.aloneConnectTimeout());
            String endpoint = url + (url.contains("?") ? "&" : "?") + "throwExceptionOnFailure=false&connectTimeout="
                    + connectTimeout.toMillis() + options.endpointOptions();
            Exchange answer = template.send(endpoint,
                    exchange -> {
                        exchange.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
                        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, contentType);
                        exchange.setProperty("CamelSkipGzipEncoding", true);
                        headers.forEach(exchange.getIn()::setHeader);
                        exchange.getIn().setBody(request.body());
                    });
            if (answer.getException() != null) {
                return classifier.noAnswer(answer.getException(), connectTimeout);
            }
            byte[] body = answer.getMessage().getBody(byte[].class);
            return classifier.classify(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class),
                    body == null ? new byte[0] : body, answer.getMessage().getHeader("Retry-After", String.class));
        });
    }

    public String url() {
        return url;
    }
}
