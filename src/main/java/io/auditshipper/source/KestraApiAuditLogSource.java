package io.auditshipper.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.config.SourceConfig;
import io.auditshipper.kestra.KestraApiClient;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads audit logs through Kestra EE's search API ({@code GET /api/v1/{tenant}/auditlogs/search}, the 1.x
 * parameters {@code startDate}, {@code endDate}, {@code resources}, {@code namespace}, {@code sort=date:asc},
 * {@code page}, {@code size}). The API filters by date and sorts by date only (its spec names no other sort
 * field to break ties), so the reading is position-independent ({@link DateKeysetReader}); this class builds the
 * requests and reads the answers.
 * <p>
 * A search answered 429, 502, 503 or 504, or not answered within {@code source.requestTimeout}, is asked again
 * within the pass, up to the task's {@code backoff.maxRetries} times, after the answer's {@code Retry-After} or
 * else the backoff's delay, either capped at {@code backoff.maxDelay}.
 */
public final class KestraApiAuditLogSource implements AuditLogSource {

    private static final Logger LOG = LoggerFactory.getLogger(KestraApiAuditLogSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Waits between attempts; tests pass one that records the wait instead. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final KestraApiClient client;
    private final AuditLogFilter filter;
    private final int pageSize;
    private final RetryConfig retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final String timeouts;

    public KestraApiAuditLogSource(SourceConfig config, AuditLogFilter filter) {
        this(config, filter, RetryConfig.DEFAULT, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    public KestraApiAuditLogSource(SourceConfig config, AuditLogFilter filter, RetryConfig retry, Clock clock,
                                   Sleeper sleeper) {
        this.client = new KestraApiClient(config.url(), config.tenant(), config.username(), config.password(),
                config.apiToken(), config.connectTimeout(), config.requestTimeout());
        this.filter = filter;
        this.pageSize = config.pageSize();
        this.retry = retry;
        this.clock = clock;
        this.sleeper = sleeper;
        this.timeouts = "source.connectTimeout " + config.connectTimeout() + ", source.requestTimeout "
                + config.requestTimeout();
    }

    @Override
    public Iterator<List<AuditLogRecord>> read(Offset after, Instant until) {
        return new DateKeysetReader(this::search, pageSize, after, until);
    }

    /** One search with the 1.x query parameters. */
    private DateKeysetReader.Page search(Instant from, Instant to, int page, int size) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("page", page);
        query.put("size", size);
        query.put("sort", "date:asc");
        query.put("startDate", from.toString());
        query.put("endDate", to.toString());
        if (!filter.resources().isEmpty()) {
            query.put("resources", filter.resources());
        }
        if (filter.namespace() != null) {
            query.put("namespace", filter.namespace());
        }
        JsonNode answer = get(client.uri("auditlogs/search", query));
        List<AuditLogRecord> records = new ArrayList<>();
        for (JsonNode item : answer.path("results")) {
            records.add(record(item.has("auditLog") ? item.get("auditLog") : item));
        }
        return new DateKeysetReader.Page(records, answer.path("total").asLong(Long.MAX_VALUE));
    }

    /** The JSON answer to a GET, asked again after transient failures. */
    private JsonNode get(URI uri) {
        for (int failures = 0; ; failures++) {
            String body;
            try {
                body = client.get(uri);
            } catch (KestraApiClient.KestraApiException e) {
                if (!e.isTransient() || failures >= retry.maxRetries()) {
                    throw new SourceException("reading audit logs from Kestra " + client.describe() + " failed"
                            + (failures > 0 ? " after " + (failures + 1) + " attempts" : "")
                            + (e.timedOut() ? " (" + timeouts + ")" : ""), e);
                }
                Duration wait = retryAfter(e.retryAfter())
                        .orElse(retry.delayAfter(failures + 1, ThreadLocalRandom.current().nextDouble()));
                wait = wait.compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : wait;
                LOG.warn("{}; asking again in {} ms ({} of {} retries)", e.getMessage(), wait.toMillis(), failures + 1,
                        retry.maxRetries());
                pause(wait);
                continue;
            }
            if (body == null) {
                throw new SourceException("GET " + uri + " answered 404: is this a Kestra Enterprise server, and does tenant exist?");
            }
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new SourceException("Kestra " + client.describe() + " answered something that is not JSON", e);
            }
        }
    }

    private void pause(Duration wait) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("interrupted while waiting to ask Kestra " + client.describe() + " again", e);
        }
    }

    /** A {@code Retry-After} header: seconds, or an HTTP date; empty when absent or not understood. */
    private Optional<Duration> retryAfter(String header) {
        if (header == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim()))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static AuditLogRecord record(JsonNode auditLog) {
        Instant date = Instant.parse(auditLog.path("date").asText()).truncatedTo(ChronoUnit.MICROS);
        return new AuditLogRecord(auditLog.path("id").asText(), date, auditLog.toString());
    }

    @Override
    public OffsetOrder order() {
        return DateKeysetReader.OFFSET_ORDER;
    }

    /** The {@code total} of a one-log search up to just before {@code before}. */
    @Override
    public long countBefore(Instant before) {
        return search(Instant.EPOCH, before.minusNanos(1), 1, 1).total();
    }

    @Override
    public long deleteUpTo(Offset upTo) {
        throw new UnsupportedOperationException("the Kestra API has no endpoint to delete audit logs");
    }

    @Override
    public String describe() {
        return "kestra api " + client.describe();
    }

    @Override
    public void close() {
    }
}
