package io.auditshipper.offset;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The logs each exporter shipped whose timestamps lie after the late-arrival horizon, kept under
 * {@code <offsetKey>.recent} beside the offsets. A log committed late (its timestamp already behind an exporter's
 * offset when it became visible) is found by re-reading the window behind the offset: it is the one this record
 * does not hold. Only logs after the horizon are kept, so a backlog of any size adds nothing here.
 * <p>
 * The horizon only moves forward, even when {@code lateArrivalWindow} is raised: logs before the horizon were not
 * recorded, and would all look late. An exporter this record did not track yet (a new one, or the first pass after
 * an upgrade) is tracked from its offset at that moment, {@code recordedAfter}: the logs up to there were shipped
 * before anything was recorded, and are not taken for late ones. Once the horizon passes that offset, the
 * exporter's record is whole.
 * <p>
 * Written before the offsets at each commit: a crash between the two leaves logs recorded here whose offset
 * did not move, which the next pass ships again as it would without this record (they lie ahead of the offset).
 */
public final class RecentlyShipped {

    private static final int VERSION = 2;
    /** The version that wrote each log's timestamp as an ISO-8601 text: read after an upgrade, no longer written. */
    private static final int ISO_TIMESTAMPS = 1;

    /** Logs stamped before this are neither kept nor taken for late ones; null until the first pass sets it. */
    private Instant horizon;
    /** Per exporter: logs up to this offset were shipped before it was tracked; absent once the horizon passed it. */
    private final Map<String, Offset> recordedAfter = new TreeMap<>();
    private final Set<String> tracked = new TreeSet<>();
    /**
     * Per log, the exporters that shipped it: one shared, immutable set per distinct combination ({@link #interned}),
     * not a set per log. A busy window holds tens of thousands of logs, nearly all shipped by the same exporters.
     */
    private final Map<Offset, Set<String>> shippedBy = new HashMap<>();
    private final Map<Set<String>, Set<String>> exporterSets = new HashMap<>();
    private boolean changed;

    public static RecentlyShipped none() {
        return new RecentlyShipped();
    }

    /** Tracks the exporters not tracked yet from their current offsets (see the class comment). */
    public synchronized void track(Map<String, Offset> offsets) {
        offsets.forEach((exporterId, offset) -> {
            if (tracked.add(exporterId)) {
                recordedAfter.put(exporterId, offset);
                changed = true;
            }
        });
    }

    /** Stops tracking an exporter whose offset was set by hand: it is tracked again from its new offset. */
    public synchronized void forget(String exporterId) {
        tracked.remove(exporterId);
        recordedAfter.remove(exporterId);
        Map<Set<String>, Set<String>> without = new IdentityHashMap<>();
        shippedBy.replaceAll((log, exporters) -> without.computeIfAbsent(exporters,
                set -> interned(set.stream().filter(id -> !id.equals(exporterId)).toList())));
        shippedBy.values().removeIf(Set::isEmpty);
        changed = true;
    }

    /**
     * Whether {@code log}, at or before the exporter's {@code offset}, is one the exporter lacks: stamped after
     * the horizon (older ones are not kept here), after where it was first tracked, and not recorded as shipped.
     */
    public synchronized boolean lacks(String exporterId, Offset offset, AuditLogRecord log, OffsetOrder order) {
        Offset at = log.offset();
        if (horizon == null || !tracked.contains(exporterId) || log.timestamp().isBefore(horizon) || order.isBefore(offset, at)) {
            return false;
        }
        Offset after = recordedAfter.get(exporterId);
        if (after != null && !order.isBefore(after, at)) {
            return false;
        }
        Set<String> exporters = shippedBy.get(at);
        return exporters == null || !exporters.contains(exporterId);
    }

    /** Records what an exporter acknowledged; logs stamped before the horizon are not kept. */
    public synchronized void record(String exporterId, Collection<AuditLogRecord> shipped) {
        // Each distinct set it had becomes the same set with this exporter: computed once, not once per log.
        Map<Set<String>, Set<String>> with = new IdentityHashMap<>();
        for (AuditLogRecord log : shipped) {
            if (horizon == null || log.timestamp().isBefore(horizon)) {
                continue;
            }
            Offset at = log.offset();
            Set<String> before = shippedBy.getOrDefault(at, Set.of());
            if (!before.contains(exporterId)) {
                shippedBy.put(at, with.computeIfAbsent(before, set -> {
                    List<String> after = new ArrayList<>(set);
                    after.add(exporterId);
                    return interned(after);
                }));
                changed = true;
            }
        }
    }

    /** The one shared set holding these exporters. */
    private Set<String> interned(Collection<String> exporters) {
        Set<String> set = Set.copyOf(exporters);
        return exporterSets.computeIfAbsent(set, k -> k);
    }

    /**
     * Moves the horizon to {@code wanted} unless it is there already (it never goes back), and drops what lies
     * before it; the horizon now in force.
     */
    public synchronized Instant advanceHorizon(Instant wanted) {
        if (horizon == null || wanted.isAfter(horizon)) {
            horizon = wanted;
            changed = true;
            shippedBy.keySet().removeIf(log -> log.timestamp().isBefore(wanted));
            recordedAfter.values().removeIf(offset -> offset.timestamp().isBefore(wanted));
        }
        return horizon;
    }

    /** Logs stamped before this are neither kept nor taken for late ones (null before the first pass sets it). */
    public synchronized Instant horizon() {
        return horizon;
    }

    /** True once, after a change: whether there is anything new to store. */
    public synchronized boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }

    /** The logs and the exporters that shipped each (a copy holding the shared sets themselves), for tests. */
    synchronized Map<Offset, Set<String>> shippedBy() {
        return new HashMap<>(shippedBy);
    }

    /**
     * {@code {"version":2, "horizon":instant, "unit":"micros"|"nanos", "exporters":{id:{"recordedAfter":offset}|{}},
     * "shipped":[{"by":[ids], "logs":[time, id, time, id, ...]}]}}: the logs grouped by the set of exporters that
     * shipped them (most logs share one set, all of them), each log's time a count of {@code unit} since the
     * horizon's whole second. Rewritten at each commit that recorded something, so it is kept cheap to write: no
     * date formatting, no set index per log.
     */
    public synchronized String toJson() {
        // The distinct sets (by identity: they are interned), and whether every time is a whole microsecond.
        Set<Set<String>> sets = Collections.newSetFromMap(new IdentityHashMap<>());
        LogTimeUnit unit = LogTimeUnit.MICROS;
        for (Map.Entry<Offset, Set<String>> log : shippedBy.entrySet()) {
            sets.add(log.getValue());
            if (log.getKey().timestamp().getNano() % 1_000 != 0) {
                unit = LogTimeUnit.NANOS;
            }
        }
        long since = horizon == null ? 0 : horizon.getEpochSecond();
        // Written by hand into one buffer, not built as a tree nor passed through a generator: a busy window holds
        // tens of thousands of logs, and the record is rewritten at each commit.
        StringBuilder json = new StringBuilder(256 + 40 * shippedBy.size());
        json.append("{\"version\":").append(VERSION).append(",\"horizon\":");
        if (horizon == null) {
            json.append("null");
        } else {
            quoted(json, horizon.toString());
        }
        quoted(json.append(",\"unit\":"), unit.name).append(",\"exporters\":{");
        String comma = "";
        for (String id : tracked) {
            quoted(json.append(comma), id).append(":{");
            Offset after = recordedAfter.get(id);
            if (after != null) {
                json.append("\"recordedAfter\":").append(StrictJson.write(after));
            }
            json.append('}');
            comma = ",";
        }
        json.append("},\"shipped\":[");
        // In the order of their members, so that the same record is written the same.
        List<Set<String>> bySets = new ArrayList<>(sets);
        bySets.sort(Comparator.comparing(set -> new TreeSet<>(set).toString()));
        comma = "";
        for (Set<String> set : bySets) {
            json.append(comma).append("{\"by\":[");
            String by = "";
            for (String id : new TreeSet<>(set)) {
                quoted(json.append(by), id);
                by = ",";
            }
            json.append("],\"logs\":[");
            String log = "";
            for (Map.Entry<Offset, Set<String>> entry : shippedBy.entrySet()) {
                if (entry.getValue() == set) {
                    quoted(json.append(log).append(unit.since(since, entry.getKey().timestamp())).append(','), entry.getKey().id());
                    log = ",";
                }
            }
            json.append("]}");
            comma = ",";
        }
        return json.append("]}").toString();
    }

    /** {@code text} as a JSON string. */
    private static StringBuilder quoted(StringBuilder json, String text) {
        json.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, json);
        return json.append('"');
    }

    /**
     * What {@link #toJson()} writes, or what version 1 wrote (read after an upgrade): {@code {"version":1,
     * "horizon":instant, "exporters":{...}, "exporterSets":[[ids]], "logs":[[ISO-8601 instant, id, set index]]}}.
     * Anything else is refused, as the offsets are (see {@link StrictJson}).
     */
    public static RecentlyShipped fromJson(String json, String where) {
        StrictJson strict = new StrictJson(where);
        ObjectNode root = strict.root(json, Map.of(
                ISO_TIMESTAMPS, Set.of("version", "horizon", "exporters", "exporterSets", "logs"),
                VERSION, Set.of("version", "horizon", "unit", "exporters", "shipped")));
        RecentlyShipped recent = new RecentlyShipped();
        if (!root.get("horizon").isNull()) {
            recent.horizon = strict.instant(root.get("horizon"), "the horizon");
        }
        JsonNode exporters = strict.object(root.get("exporters"), "\"exporters\"");
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) exporters::fields) {
            String what = "exporter '" + entry.getKey() + "'";
            JsonNode exporter = strict.object(entry.getValue(), what);
            recent.tracked.add(entry.getKey());
            if (exporter.size() > 0) {
                strict.requireFields(exporter, Set.of("recordedAfter"), what);
                recent.recordedAfter.put(entry.getKey(), strict.offset(exporter.get("recordedAfter"), what + " recordedAfter"));
            }
        }
        if (root.get("version").intValue() == ISO_TIMESTAMPS) {
            recent.readIsoTimestamps(strict, root);
        } else {
            recent.readShipped(strict, root);
        }
        return recent;
    }

    /** Version 1's logs: {@code "exporterSets":[[ids]], "logs":[[ISO-8601 instant, id, set index]]}. */
    private void readIsoTimestamps(StrictJson strict, ObjectNode root) {
        List<Set<String>> sets = new ArrayList<>();
        for (JsonNode set : array(strict, root.get("exporterSets"), "\"exporterSets\"")) {
            sets.add(exporterSet(strict, set));
        }
        for (JsonNode log : array(strict, root.get("logs"), "\"logs\"")) {
            if (!log.isArray() || log.size() != 3 || !log.get(2).isInt() || log.get(2).intValue() < 0
                    || log.get(2).intValue() >= sets.size()) {
                throw strict.unreadable("a log entry is not [timestamp, id, exporter set index]: " + log);
            }
            keep(strict, strict.offset(log.get(0), log.get(1), "a log entry"), sets.get(log.get(2).intValue()));
        }
    }

    /** Version 2's logs: {@code "unit":"micros"|"nanos", "shipped":[{"by":[ids], "logs":[time, id, ...]}]}. */
    private void readShipped(StrictJson strict, ObjectNode root) {
        LogTimeUnit unit = root.get("unit").isTextual() ? LogTimeUnit.named(root.get("unit").asText()) : null;
        if (unit == null) {
            throw strict.unreadable("the unit " + root.get("unit") + " is neither \"micros\" nor \"nanos\"");
        }
        long since = horizon == null ? 0 : horizon.getEpochSecond();
        for (JsonNode group : array(strict, root.get("shipped"), "\"shipped\"")) {
            strict.object(group, "an entry of \"shipped\"");
            strict.requireFields(group, Set.of("by", "logs"), "an entry of \"shipped\"");
            Set<String> by = exporterSet(strict, group.get("by"));
            JsonNode logs = array(strict, group.get("logs"), "\"logs\"");
            if (logs.size() % 2 != 0) {
                throw strict.unreadable("the logs of " + by + " are not pairs of time and id");
            }
            for (int i = 0; i < logs.size(); i += 2) {
                JsonNode time = logs.get(i);
                JsonNode id = logs.get(i + 1);
                if (!time.isIntegralNumber() || !time.canConvertToLong() || time.longValue() < 0 || !id.isTextual()) {
                    throw strict.unreadable("a log of " + by + " is not a time (a whole " + unit.name
                            + " count, not negative) and an id: " + time + ", " + id);
                }
                keep(strict, new Offset(unit.at(since, time.longValue()), id.asText()), by);
            }
        }
    }

    /**
     * An exporter set as written: tracked exporters, each once, at least one (a log no exporter shipped is not
     * kept); the shared instance.
     */
    private Set<String> exporterSet(StrictJson strict, JsonNode set) {
        List<String> members = new ArrayList<>();
        for (JsonNode member : array(strict, set, "an exporter set")) {
            if (!member.isTextual() || !tracked.contains(member.asText())) {
                throw strict.unreadable("an exporter set names " + member + ", which is not a tracked exporter");
            }
            if (members.contains(member.asText())) {
                throw strict.unreadable("an exporter set names " + member + " twice");
            }
            members.add(member.asText());
        }
        if (members.isEmpty()) {
            throw strict.unreadable("an exporter set is empty");
        }
        return interned(members);
    }

    /** A log read back: each once, and after the horizon, as {@link #record} and {@link #advanceHorizon} keep them. */
    private void keep(StrictJson strict, Offset log, Set<String> by) {
        if (horizon == null) {
            throw strict.unreadable("the log " + log + " is listed without a horizon, before which none is kept");
        }
        if (log.timestamp().isBefore(horizon)) {
            throw strict.unreadable("the log " + log + " lies before the horizon " + horizon + ", where none is kept");
        }
        if (shippedBy.put(log, by) != null) {
            throw strict.unreadable("the log " + log + " is listed twice");
        }
    }

    private static JsonNode array(StrictJson strict, JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw strict.unreadable(what + " is not an array");
        }
        return node;
    }

    /** How version 2 writes a log's time: a whole count of this unit since the horizon's second, exact. */
    private enum LogTimeUnit {
        MICROS("micros", 1_000),
        NANOS("nanos", 1);

        private final String name;
        private final int nanos;
        private final long perSecond;

        LogTimeUnit(String name, int nanos) {
            this.name = name;
            this.nanos = nanos;
            this.perSecond = 1_000_000_000L / nanos;
        }

        static LogTimeUnit named(String name) {
            return name.equals(MICROS.name) ? MICROS : name.equals(NANOS.name) ? NANOS : null;
        }

        long since(long epochSecond, Instant time) {
            return Math.addExact(Math.multiplyExact(time.getEpochSecond() - epochSecond, perSecond), time.getNano() / nanos);
        }

        Instant at(long epochSecond, long count) {
            return Instant.ofEpochSecond(epochSecond + count / perSecond, count % perSecond * nanos);
        }
    }
}
