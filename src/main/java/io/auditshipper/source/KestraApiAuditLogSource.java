package io.auditshipper.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.config.SourceConfig;
import io.auditshipper.kestra.KestraApiClient;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads audit logs through Kestra EE's search API ({@code GET /api/v1/{tenant}/auditlogs/search}, the 1.x
 * parameters). The window [offset's timestamp, until] is fixed for the pass and paged with {@code page}
 * and {@code size} sorted by date; the logs at or before the offset (those sharing its timestamp) are
 * dropped here, since the API filters by date only. The API orders logs that share a date in no defined
 * way, so the logs of a page's last date are held back and merged with the next page before they are
 * sorted by (timestamp, id): the pipeline must see them in offset order.
 */
public final class KestraApiAuditLogSource implements AuditLogSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The API orders by date only; the logs of one date are sorted here, by code point like PostgreSQL. */
    private static final OffsetOrder ORDER = OffsetOrder.CODE_POINT;

    private final KestraApiClient client;
    private final AuditLogFilter filter;
    private final int pageSize;

    public KestraApiAuditLogSource(SourceConfig config, AuditLogFilter filter) {
        this.client = new KestraApiClient(config.url(), config.tenant(), config.username(), config.password(),
                config.apiToken());
        this.filter = filter;
        this.pageSize = config.pageSize();
    }

    @Override
    public Iterator<List<AuditLogRecord>> read(Offset after, Instant until) {
        return new PageIterator() {
            private int page = 1;
            private long seen;
            private boolean exhausted;
            /** Logs of the last timestamp seen: the next page may hold more of them, with smaller ids. */
            private List<AuditLogRecord> carried = new ArrayList<>();

            @Override
            protected List<AuditLogRecord> fetch() {
                List<AuditLogRecord> next = null;
                while (next == null && !(exhausted && carried.isEmpty())) {
                    next = exhausted ? flushCarried() : fetchPage();
                }
                return next;
            }

            private List<AuditLogRecord> flushCarried() {
                List<AuditLogRecord> out = carried;
                carried = new ArrayList<>();
                return out.isEmpty() ? null : out;
            }

            /** One page merged with the carried logs, in (timestamp, id) order, less the last timestamp's logs. */
            private List<AuditLogRecord> fetchPage() {
                JsonNode answer = search(after.timestamp(), until, page++);
                JsonNode results = answer.path("results");
                seen += results.size();
                exhausted = results.size() < pageSize || seen >= answer.path("total").asLong(Long.MAX_VALUE);
                List<AuditLogRecord> records = new ArrayList<>(carried);
                for (JsonNode item : results) {
                    AuditLogRecord record = record(item.has("auditLog") ? item.get("auditLog") : item);
                    if (ORDER.isBefore(after, record.offset()) && !record.timestamp().isAfter(until)) {
                        records.add(record);
                    }
                }
                records.sort((a, b) -> ORDER.compare(a.offset(), b.offset()));
                carried = new ArrayList<>();
                if (!exhausted && !records.isEmpty()) {
                    Instant last = records.get(records.size() - 1).timestamp();
                    while (!records.isEmpty() && records.get(records.size() - 1).timestamp().equals(last)) {
                        carried.add(0, records.remove(records.size() - 1));
                    }
                }
                return records.isEmpty() ? null : records;
            }
        };
    }

    private JsonNode search(Instant from, Instant until, int page) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("page", page);
        query.put("size", pageSize);
        query.put("sort", "date:asc");
        query.put("startDate", from.toString());
        query.put("endDate", until.toString());
        if (!filter.resources().isEmpty()) {
            query.put("resources", filter.resources());
        }
        if (filter.namespace() != null) {
            query.put("namespace", filter.namespace());
        }
        URI uri = client.uri("auditlogs/search", query);
        try {
            String body = client.get(uri);
            if (body == null) {
                throw new SourceException("GET " + uri + " answered 404: is this a Kestra Enterprise server, and does tenant exist?");
            }
            return JSON.readTree(body);
        } catch (KestraApiClient.KestraApiException e) {
            throw new SourceException("reading audit logs from Kestra " + client.describe() + " failed", e);
        } catch (IOException e) {
            throw new SourceException("Kestra " + client.describe() + " answered something that is not JSON", e);
        }
    }

    private static AuditLogRecord record(JsonNode auditLog) {
        Instant date = Instant.parse(auditLog.path("date").asText()).truncatedTo(ChronoUnit.MICROS);
        return new AuditLogRecord(auditLog.path("id").asText(), date, auditLog.toString());
    }

    @Override
    public OffsetOrder order() {
        return ORDER;
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
