package io.auditshipper.exporter.http;

import io.auditshipper.config.RetryConfig;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Posts an exporter's requests through camel-http and reads the answers as log intake APIs give them:
 * 2xx accepted; 429 and 5xx (and no answer) retried with exponential backoff and jitter, honouring
 * {@code Retry-After}; 413, 400 and 422 halve the request until the record at fault stands alone, which is
 * parked in the dead-letter file with the reason (so one bad record does not take its neighbours along);
 * other 4xx park the request's records; 401/403 fail the exporter (wrong credentials are not the records' fault).
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
    private final RetryBudget retryBudget;
    private final Counter retries;
    private final DeadLetterFile deadLetters;
    private final FatalAnswers fatalAnswers;
    private volatile ProducerTemplate template;

    public HttpDelivery(String exporterId, String url, String contentType, Map<String, String> headers,
                        RetryBudget retryBudget, Counter retries, DeadLetterFile deadLetters) {
        this(exporterId, url, contentType, headers, retryBudget, retries, deadLetters, (status, body) -> null);
    }

    /** With the destination's own reading of the answers that stop the exporter at once ({@link FatalAnswers}). */
    public HttpDelivery(String exporterId, String url, String contentType, Map<String, String> headers,
                        RetryBudget retryBudget, Counter retries, DeadLetterFile deadLetters, FatalAnswers fatalAnswers) {
        this.exporterId = exporterId;
        this.url = url;
        this.contentType = contentType;
        this.headers = Map.copyOf(headers);
        this.retryBudget = retryBudget;
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.fatalAnswers = fatalAnswers;
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
        Response response = send(request);
        int status = response.status();
        if (status / 100 == 2) {
            return List.of(new Response(status, response.body(), request.records()));
        }
        if ((status == 413 || status == 400 || status == 422) && request.records().size() > 1) {
            List<AuditLogRecord> records = request.records();
            int half = records.size() / 2;
            LOG.info("exporter {}: {} answered {} for {} records; sending them in two halves", exporterId, url, status,
                    records.size());
            List<Response> first = deliver(parts.part(request, 0, half), parts);
            List<Response> second = deliver(parts.part(request, half, records.size()), parts);
            return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
        }
        deadLetters.park(request.records(), "HTTP " + status + " from " + url + ": " + abbreviate(response.text()));
        return List.of();
    }

    /** A request that carries no records (a status poll): the first final answer, retried as any request is. */
    public Response post(byte[] body) {
        return send(new LogRequest(List.of(), List.of(), body));
    }

    /** One request, retried while the answer says "later"; the first answer that is final. */
    private Response send(LogRequest request) {
        if (template == null) {
            throw new IllegalStateException("exporter " + exporterId + " is not bound to the Camel context");
        }
        String last = null;
        RetryConfig retry = retryBudget.of(exporterId);
        for (int attempt = 0; ; attempt++) {
            Exchange answer = template.send(url + (url.contains("?") ? "&" : "?") + "throwExceptionOnFailure=false",
                    exchange -> {
                        exchange.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
                        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, contentType);
                        exchange.setProperty("CamelSkipGzipEncoding", true);
                        headers.forEach(exchange.getIn()::setHeader);
                        exchange.getIn().setBody(request.body());
                    });
            Duration wait;
            if (answer.getException() != null) {
                last = "no answer from " + url + ": " + answer.getException().getMessage();
                wait = retry.delayAfter(attempt + 1, ThreadLocalRandom.current().nextDouble());
            } else {
                int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
                byte[] body = answer.getMessage().getBody(byte[].class);
                Response response = new Response(status, body == null ? new byte[0] : body, List.of());
                String fix = status / 100 == 2 ? null : fatalAnswers.fix(status, response.text());
                if (fix != null) {
                    throw new DestinationUnavailableException("exporter " + exporterId + ": " + url + " answered " + status
                            + " (" + abbreviate(response.text()) + "); " + fix, null);
                }
                if (status == 401 || status == 403) {
                    throw new DestinationUnavailableException("exporter " + exporterId + ": " + url + " answered " + status
                            + " (" + abbreviate(response.text()) + "); check the exporter's API key or credentials", null);
                }
                if (status != 429 && status / 100 != 5 && status != 408) {
                    return response;
                }
                last = url + " answered " + status + ": " + abbreviate(response.text());
                wait = retryAfter(answer.getMessage().getHeader("Retry-After", String.class))
                        .orElse(retry.delayAfter(attempt + 1, ThreadLocalRandom.current().nextDouble()));
            }
            if (attempt >= retry.maxRetries()) {
                throw new DestinationUnavailableException("exporter " + exporterId + ": gave up after " + (attempt + 1)
                        + " attempts: " + last, null);
            }
            wait = wait.compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : wait;
            LOG.warn("exporter {}: {}; retrying in {} ms", exporterId, SecretRedactor.redact(last), wait.toMillis());
            retries.increment();
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DestinationUnavailableException("exporter " + exporterId + ": interrupted while waiting to retry", e);
            }
        }
    }

    /** {@code Retry-After} in seconds or as an HTTP date. */
    static java.util.Optional<Duration> retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim()))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return java.util.Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return java.util.Optional.empty();
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    public String url() {
        return url;
    }
}
