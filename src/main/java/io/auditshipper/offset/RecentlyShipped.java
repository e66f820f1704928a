package io.auditshipper.offset;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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

    private static final int VERSION = 1;

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
        shippedBy.replaceAll((log, exporters) -> interned(exporters.stream().filter(id -> !id.equals(exporterId)).toList()));
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
            if (horizon == null || log.timestamp().isBefore(horizon)) {
                continue;
            }
            Set<String> before = shippedBy.getOrDefault(log.offset(), Set.of());
            if (!before.contains(exporterId)) {
                List<String> after = new ArrayList<>(before);
                after.add(exporterId);
                shippedBy.put(log.offset(), interned(after));
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

    /**
     * {@code {"version":1, "horizon":instant, "exporters":{id:{"recordedAfter":offset}|{}}, "exporterSets":[[ids]],
     * "logs":[[timestamp, id, set index]]}}: each log once, with the index of the set of exporters that shipped
     * it (most logs share one set, all of them).
     */
    public synchronized String toJson() {
        // Written as it goes, not built as a tree first: a busy window holds tens of thousands of logs.
        StringWriter out = new StringWriter();
        try (JsonGenerator json = StrictJson.JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("version", VERSION);
            json.writeStringField("horizon", horizon == null ? null : horizon.toString());
            json.writeObjectFieldStart("exporters");
            for (String id : tracked) {
                json.writeFieldName(id);
                Offset after = recordedAfter.get(id);
                if (after == null) {
                    json.writeStartObject();
                    json.writeEndObject();
                } else {
                    json.writeTree(StrictJson.JSON.createObjectNode().set("recordedAfter", StrictJson.write(after)));
                }
            }
            json.writeEndObject();
            Map<Set<String>, Integer> index = new IdentityHashMap<>();
            shippedBy.values().forEach(set -> index.computeIfAbsent(set, k -> index.size()));
            List<Set<String>> sets = new ArrayList<>(Collections.nCopies(index.size(), Set.of()));
            index.forEach((set, i) -> sets.set(i, set));
            json.writeArrayFieldStart("exporterSets");
            for (Set<String> set : sets) {
                json.writeStartArray();
                for (String id : new TreeSet<>(set)) {
                    json.writeString(id);
                }
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("logs");
            for (Map.Entry<Offset, Set<String>> log : shippedBy.entrySet()) {
                json.writeStartArray();
                json.writeString(log.getKey().timestamp().toString());
                json.writeString(log.getKey().id());
                json.writeNumber(index.get(log.getValue()));
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return out.toString();
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
            recent.shippedBy.put(strict.offset(log.get(0), log.get(1), "a log entry"), recent.interned(sets.get(log.get(2).intValue())));
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
