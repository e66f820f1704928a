package io.auditshipper.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What is kept under {@code offsetKey}: for each exporter, the offset of the last log it acknowledged.
 * The global offset, up to which every exporter has everything (and {@code delete} may remove), is their
 * minimum. Offsets only move forward: advancing to an older or equal offset changes nothing.
 */
public record StoredOffsets(Map<String, Offset> exporters) {

    private static final int VERSION = 1;
    /** How far an offset may lie ahead of this machine's clock: another machine's clock may run a little ahead. */
    public static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(1);
    public static final StoredOffsets NONE = new StoredOffsets(Map.of());

    public StoredOffsets {
        exporters = Collections.unmodifiableMap(new TreeMap<>(exporters));
    }

    public Optional<Offset> of(String exporterId) {
        return Optional.ofNullable(exporters.get(exporterId));
    }

    /** The minimum over {@code exporterIds}; empty when any of them has no offset yet. */
    public Optional<Offset> global(Iterable<String> exporterIds, OffsetOrder order) {
        Offset min = null;
        for (String id : exporterIds) {
            Offset offset = exporters.get(id);
            if (offset == null) {
                return Optional.empty();
            }
            min = min == null ? offset : order.min(min, offset);
        }
        return Optional.ofNullable(min);
    }

    /**
     * @throws OffsetStoreException when the offset of one of {@code exporterIds} lies after {@code now} by more than {@link #CLOCK_TOLERANCE}:
     * every pass would read nothing until the clock caught up with it, forever for a corrupt one. Offsets are
     * taken at least {@code settleDelay} before the clock, so this means the clock went back or the value is wrong.
     */
    public void refuseFuture(Iterable<String> exporterIds, Instant now, String where) {
        exporterIds.forEach(id -> {
            Offset offset = exporters.get(id);
            if (offset != null && offset.timestamp().isAfter(now.plus(CLOCK_TOLERANCE))) {
                throw new OffsetStoreException("the offset of exporter '" + id + "' in " + where + " is " + offset
                        + ", later than now (" + now + "): the clock went back, or the offset is wrong; nothing is"
                        + " shipped until the clock passes it. If the offset is wrong, set it with --set-offset "
                        + id + "=TIMESTAMP[/ID]", null);
            }
        });
    }

    public StoredOffsets advance(String exporterId, Offset offset, OffsetOrder order) {
        Offset current = exporters.get(exporterId);
        if (current != null && !order.isBefore(current, offset)) {
            return this;
        }
        Map<String, Offset> next = new TreeMap<>(exporters);
        next.put(exporterId, offset);
        return new StoredOffsets(next);
    }

    /** With {@code exporterId}'s offset set to {@code offset}, backwards too: for restores and replays. */
    public StoredOffsets replace(String exporterId, Offset offset) {
        Map<String, Offset> next = new TreeMap<>(exporters);
        next.put(exporterId, offset);
        return new StoredOffsets(next);
    }

    public String toJson() {
        ObjectNode root = StrictJson.JSON.createObjectNode();
        root.put("version", VERSION);
        ObjectNode node = root.putObject("exporters");
        exporters.forEach((id, offset) -> node.set(id, StrictJson.write(offset)));
        return root.toString();
    }

    /**
     * The offsets stored in {@code where}, refused unless they are exactly what {@link #toJson()} writes: read as
     * "no offset", an empty or foreign value would restart every exporter from the lookback, shipping it again and
     * skipping for good what lies between the real offsets and the lookback start.
     */
    public static StoredOffsets fromJson(String json, String where) {
        StrictJson strict = new StrictJson(where);
        JsonNode entries = strict.object(strict.root(json, VERSION, Set.of("version", "exporters")).get("exporters"),
                "\"exporters\"");
        Map<String, Offset> exporters = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) entries::fields) {
            exporters.put(entry.getKey(), strict.offset(entry.getValue(), "the offset of exporter '" + entry.getKey() + "'"));
        }
        return new StoredOffsets(exporters);
    }
}
