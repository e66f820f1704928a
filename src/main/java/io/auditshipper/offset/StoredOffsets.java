package io.auditshipper.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;

import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What is kept under {@code offsetKey}: for each exporter, the offset of the last log it acknowledged.
 * The global offset, up to which every exporter has everything (and {@code delete} may remove), is their
 * minimum. Offsets only move forward: advancing to an older or equal offset changes nothing.
 */
public record StoredOffsets(Map<String, Offset> exporters) {

    private static final ObjectMapper JSON = new ObjectMapper();
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

    public StoredOffsets advance(String exporterId, Offset offset, OffsetOrder order) {
        Offset current = exporters.get(exporterId);
        if (current != null && !order.isBefore(current, offset)) {
            return this;
        }
        Map<String, Offset> next = new TreeMap<>(exporters);
        next.put(exporterId, offset);
        return new StoredOffsets(next);
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode node = root.putObject("exporters");
        exporters.forEach((id, offset) -> node.putObject(id)
                .put("timestamp", offset.timestamp().toString()).put("id", offset.id()));
        return root.toString();
    }

    public static StoredOffsets fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json).path("exporters");
            Map<String, Offset> exporters = new TreeMap<>();
            node.fields().forEachRemaining(e -> exporters.put(e.getKey(), new Offset(
                    Instant.parse(e.getValue().path("timestamp").asText()), e.getValue().path("id").asText())));
            return new StoredOffsets(exporters);
        } catch (IOException | RuntimeException e) {
            throw new OffsetStoreException("the stored offsets are not readable (" + e.getMessage()
                    + "); fix or remove them to start again from lookbackPeriod", e);
        }
    }
}
