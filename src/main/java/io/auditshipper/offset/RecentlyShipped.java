package io.auditshipper.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

    private static final int VERSION = 1;

    /** Logs stamped before this are neither kept nor taken for late ones; null until the first pass sets it. */
    private Instant horizon;
    /** Per exporter: logs up to this offset were shipped before it was tracked; absent once the horizon passed it. */
    private final Map<String, Offset> recordedAfter = new TreeMap<>();
    private final Set<String> tracked = new TreeSet<>();
    private final Map<Offset, Set<String>> shippedBy = new HashMap<>();
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
        shippedBy.values().forEach(exporters -> exporters.remove(exporterId));
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
        for (AuditLogRecord log : shipped) {
            if (horizon != null && !log.timestamp().isBefore(horizon) && shippedBy.computeIfAbsent(log.offset(), k -> new HashSet<>()).add(exporterId)) {
                changed = true;
            }
        }
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

    /**
     * {@code {"version":1, "horizon":instant, "exporters":{id:{"recordedAfter":offset}|{}}, "exporterSets":[[ids]],
     * "logs":[[timestamp, id, set index]]}}: each log once, with the index of the set of exporters that shipped
     * it (most logs share one set, all of them).
     */
    public synchronized String toJson() {
        ObjectNode root = StrictJson.JSON.createObjectNode().put("version", VERSION)
                .put("horizon", horizon == null ? null : horizon.toString());
        ObjectNode exporters = root.putObject("exporters");
        for (String id : tracked) {
            ObjectNode exporter = exporters.putObject(id);
            Offset after = recordedAfter.get(id);
            if (after != null) {
                exporter.set("recordedAfter", StrictJson.write(after));
            }
        }
        Map<Set<String>, Integer> sets = new LinkedHashMap<>();
        ArrayNode logs = StrictJson.JSON.createArrayNode();
        shippedBy.forEach((log, by) -> logs.addArray().add(log.timestamp().toString()).add(log.id())
                .add(sets.computeIfAbsent(new TreeSet<>(by), k -> sets.size())));
        ArrayNode setArray = root.putArray("exporterSets");
        for (Set<String> set : sets.keySet()) {
            ArrayNode members = setArray.addArray();
            set.forEach(members::add);
        }
        root.set("logs", logs);
        return root.toString();
    }

    public static RecentlyShipped fromJson(String json, String where) {
        StrictJson strict = new StrictJson(where);
        ObjectNode root = strict.root(json, VERSION, Set.of("version", "horizon", "exporters", "exporterSets", "logs"));
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
        List<Set<String>> sets = new ArrayList<>();
        for (JsonNode set : array(strict, root.get("exporterSets"), "\"exporterSets\"")) {
            Set<String> members = new HashSet<>();
            for (JsonNode member : array(strict, set, "an exporter set")) {
                if (!member.isTextual() || !recent.tracked.contains(member.asText())) {
                    throw strict.unreadable("an exporter set names " + member + ", which is not a tracked exporter");
                }
                members.add(member.asText());
            }
            sets.add(members);
        }
        for (JsonNode log : array(strict, root.get("logs"), "\"logs\"")) {
            if (!log.isArray() || log.size() != 3 || !log.get(2).isInt() || log.get(2).intValue() < 0
                    || log.get(2).intValue() >= sets.size()) {
                throw strict.unreadable("a log entry is not [timestamp, id, exporter set index]: " + log);
            }
            recent.shippedBy.put(strict.offset(log.get(0), log.get(1), "a log entry"), new HashSet<>(sets.get(log.get(2).intValue())));
        }
        return recent;
    }

    private static JsonNode array(StrictJson strict, JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw strict.unreadable(what + " is not an array");
        }
        return node;
    }
}
