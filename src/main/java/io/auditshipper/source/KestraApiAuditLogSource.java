package io.auditshipper.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.config.SourceConfig;
import io.auditshipper.exporter.retry.RetryAfter;
import io.auditshipper.exporter.retry.RetryPolicy;
import io.auditshipper.exporter.retry.Sleeper;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads audit logs through Kestra EE's search API ({@code GET /api/v1/{tenant}/auditlogs/search}). Kestra 1.x takes
 * the parameters {@code startDate}, {@code endDate}, {@code resources}, {@code namespace}, {@code type} (one action),
 * {@code sort=date:asc}, {@code page}, {@code size}; Kestra 2.x only {@code page}, {@code size}, {@code sort} and
 * {@code filters[<field>][<OP>]=value}. Which one a server speaks is {@code source.apiVersion}, or with {@code AUTO}
 * the major version {@code GET /api/v1/configs} answers, asked once before the first search. The API filters by
 * date and sorts by date only (its spec names no other sort field to break ties), so the reading is
 * position-independent ({@link DateKeysetReader}, the same for both generations); this class builds the requests
 * and reads the answers.
 * <p>
 * Actions ({@code types}, {@code excludeTypes}): a 2.x server filters them ({@code filters[action][IN|NOT_IN]}); 1.x
 * takes one {@code type} (a single CrudEventType, without UNKNOWN), sent when {@code types} is exactly one such
 * action; any other action filter is applied here to the logs read, which are then simply not handed on.
 * <p>
 * A search answered 429, 502, 503 or 504, or not answered within {@code source.requestTimeout}, is asked again
 * within the pass, up to the task's {@code backoff.maxRetries} times, after the answer's {@code Retry-After} or
 * else the backoff's delay, either capped at {@code backoff.maxDelay}.
 */
public final class KestraApiAuditLogSource implements AuditLogSource {

    private static final Logger LOG = LoggerFactory.getLogger(KestraApiAuditLogSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KestraApiClient client;
    private final AuditLogFilter filter;
    private final int pageSize;
    private final RetryConfig retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final String timeouts;
    private final SourceConfig.ApiVersion configured;
    /** The generation in use, once known. */
    private volatile SourceConfig.ApiVersion generation;
    /** AUTO without a version from the server: the first search tells, by refusing the 1.x parameters or not. */
    private volatile boolean probing;

    public KestraApiAuditLogSource(SourceConfig config, AuditLogFilter filter) {
        this(config, filter, RetryConfig.DEFAULT, Clock.systemUTC(), Sleeper.THREAD);
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
        this.configured = config.apiVersion();
    }

    @Override
    public Iterator<List<AuditLogRecord>> read(Offset after, Instant until) {
        Iterator<List<AuditLogRecord>> pages = new DateKeysetReader(this::search, pageSize, after, until);
        if (!filter.filtersTypes()) {
            return pages;
        }
        // What the server could not filter (1.x: more than one action, excludeTypes, UNKNOWN) is left out here.
        return new PageIterator() {
            @Override
            protected List<AuditLogRecord> fetch() {
                while (pages.hasNext()) {
                    List<AuditLogRecord> kept = pages.next().stream().filter(r -> filter.selectsType(type(r))).toList();
                    if (!kept.isEmpty()) {
                        return kept;
                    }
                }
                return null;
            }
        };
    }

    private static String type(AuditLogRecord record) {
        try {
            return JSON.readTree(record.json()).path("type").asText(null);
        } catch (IOException e) {
            throw new SourceException("audit log " + record.id() + " is not JSON", e);
        }
    }

    /** The API generation of the server: {@code source.apiVersion}, or found once from its version. */
    public SourceConfig.ApiVersion generation() {
        if (generation == null) {
            generation = configured != SourceConfig.ApiVersion.AUTO ? configured : detect();
        }
        return generation;
    }

    /**
     * {@code GET /api/v1/configs}: its {@code version} (1.3.0, 2.0.0-SNAPSHOT, ...) gives the generation. A server
     * that answers no version there (404, no {@code version}) is found by its first search instead: the 1.x
     * parameters, and the 2.x filters if it refuses them (400).
     */
    private SourceConfig.ApiVersion detect() {
        URI uri = client.globalUri("configs");
        JsonNode configs = get(uri, null);
        String version = configs == null ? "" : configs.path("version").asText("");
        java.util.regex.Matcher major = java.util.regex.Pattern.compile("^v?(\\d+)\\.").matcher(version);
        if (!major.find()) {
            LOG.warn("GET {} answered no Kestra version; trying the 1.x search parameters, then the 2.x filters if they"
                    + " are refused (set source.apiVersion to V1 or V2 to skip this)", uri);
            probing = true;
            return SourceConfig.ApiVersion.V1;
        }
        SourceConfig.ApiVersion found = Integer.parseInt(major.group(1)) >= 2 ? SourceConfig.ApiVersion.V2
                : SourceConfig.ApiVersion.V1;
        LOG.info("Kestra {} is version {}: searching audit logs with the {} parameters", client.describe(), version,
                found == SourceConfig.ApiVersion.V2 ? "2.x filters" : "1.x");
        return found;
    }

    /** One search, with the parameters of the server's generation. */
    private DateKeysetReader.Page search(Instant from, Instant to, int page, int size) {
        return search(from, to, page, size, oneActionForV1());
    }

    /** The one action a 1.x {@code type} can carry for the filter, or null when the filter is not that. */
    private String oneActionForV1() {
        return filter.types().size() == 1 && filter.excludeTypes().isEmpty() && !filter.types().get(0).equals("UNKNOWN")
                ? filter.types().get(0) : null;
    }

    private DateKeysetReader.Page search(Instant from, Instant to, int page, int size, String v1Type) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("page", page);
        query.put("size", size);
        query.put("sort", "date:asc");
        if (generation() == SourceConfig.ApiVersion.V2) {
            query.put("filters[startDate][GREATER_THAN_OR_EQUAL_TO]", from.toString());
            query.put("filters[endDate][LESS_THAN_OR_EQUAL_TO]", to.toString());
            if (!filter.resources().isEmpty()) {
                query.put("filters[resources][IN]", filter.resources());
            }
            if (filter.namespace() != null) {
                query.put("filters[namespace][PREFIX]", filter.namespace());
            }
            if (!filter.types().isEmpty()) {
                query.put("filters[action][IN]", filter.types());
            }
            if (!filter.excludeTypes().isEmpty()) {
                query.put("filters[action][NOT_IN]", filter.excludeTypes());
            }
        } else {
            query.put("startDate", from.toString());
            query.put("endDate", to.toString());
            if (!filter.resources().isEmpty()) {
                query.put("resources", filter.resources());
            }
            if (filter.namespace() != null) {
                query.put("namespace", filter.namespace());
            }
            if (v1Type != null) {
                query.put("type", v1Type);
            }
        }
        JsonNode answer;
        try {
            answer = get(client.uri("auditlogs/search", query));
        } catch (SourceException e) {
            if (probing && e.getCause() instanceof KestraApiClient.KestraApiException refused && refused.status() == 400) {
                probing = false;
                generation = SourceConfig.ApiVersion.V2;
                LOG.info("Kestra {} refused the 1.x search parameters: searching with the 2.x filters", client.describe());
                return search(from, to, page, size, v1Type);
            }
            throw e;
        }
        probing = false;
        List<AuditLogRecord> records = new ArrayList<>();
        for (JsonNode item : answer.path("results")) {
            records.add(record(item.has("auditLog") ? item.get("auditLog") : item));
        }
        return new DateKeysetReader.Page(records, answer.path("total").asLong(Long.MAX_VALUE));
    }

    private JsonNode get(URI uri) {
        return get(uri, "is this a Kestra Enterprise server, and does tenant exist?");
    }

    /** The JSON answer to a GET, asked again after transient failures; on 404 null if {@code onNotFound} is. */
    private JsonNode get(URI uri, String onNotFound) {
        for (int failures = 0; ; failures++) {
            String body;
            try {
                body = client.get(uri);
            } catch (KestraApiClient.KestraApiException e) {
                if (!e.isTransient() || failures >= retry.maxRetries()) {
                    throw new SourceException("reading audit logs from Kestra " + client.describe() + " failed"
                            + (failures > 0 ? " after " + (failures + 1) + " attempts" : "")
                            + (e.timedOut() ? " (" + timeouts + ")" : "") + refusedParameters(e), e);
                }
                Duration wait = RetryPolicy.wait(retry, failures + 1, RetryAfter.parse(e.retryAfter(), clock.instant()),
                        ThreadLocalRandom.current().nextDouble());
                LOG.warn("{}; asking again in {} ms ({} of {} retries)", e.getMessage(), wait.toMillis(), failures + 1,
                        retry.maxRetries());
                pause(wait);
                continue;
            }
            if (body == null && onNotFound == null) {
                return null;
            }
            if (body == null) {
                throw new SourceException("GET " + uri + " answered 404: " + onNotFound);
            }
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new SourceException("Kestra " + client.describe() + " answered something that is not JSON", e);
            }
        }
    }

    /** What a 400 to a search likely means: parameters of the other generation. */
    private String refusedParameters(KestraApiClient.KestraApiException e) {
        if (e.status() != 400 || generation == null) {
            return "";
        }
        return generation == SourceConfig.ApiVersion.V1
                ? ": the server refused the Kestra 1.x search parameters (startDate, endDate, resources, namespace, type);"
                + " a Kestra 2.x server takes only page, size, sort and filters: set source.apiVersion: V2, or AUTO to"
                + " find it from the server" + (configured == SourceConfig.ApiVersion.V1 ? " (it is pinned to V1)" : "")
                : ": the server refused the Kestra 2.x filters; a Kestra 1.x server takes startDate, endDate, resources,"
                + " namespace: set source.apiVersion: V1, or AUTO to find it from the server"
                + (configured == SourceConfig.ApiVersion.V2 ? " (it is pinned to V2)" : "");
    }

    private void pause(Duration wait) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("interrupted while waiting to ask Kestra " + client.describe() + " again", e);
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

    /**
     * The {@code total} of a one-log search up to just before {@code before}. On a 1.x server, action filters it
     * cannot apply are counted action by action ({@code type} takes one); UNKNOWN, which 1.x cannot ask for, is
     * then not counted.
     */
    @Override
    public long countBefore(Instant before) {
        Instant to = before.minusNanos(1);
        if (!filter.filtersTypes() || generation() == SourceConfig.ApiVersion.V2 || oneActionForV1() != null) {
            return search(Instant.EPOCH, to, 1, 1).total();
        }
        long count = 0;
        if (!filter.types().isEmpty()) {
            for (String type : filter.types()) {
                if (!type.equals("UNKNOWN") && !filter.excludeTypes().contains(type)) {
                    count += search(Instant.EPOCH, to, 1, 1, type).total();
                }
            }
            return count;
        }
        count = search(Instant.EPOCH, to, 1, 1, null).total();
        for (String type : filter.excludeTypes()) {
            if (!type.equals("UNKNOWN")) {
                count -= search(Instant.EPOCH, to, 1, 1, type).total();
            }
        }
        return Math.max(0, count);
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
