package io.auditshipper.offset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.model.Offset;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads back what the shipper keeps in its offset store, refusing anything that is not exactly what it writes:
 * a value read leniently (an empty one as "nothing yet") would restart the shipping from the wrong place.
 */
final class StrictJson {

    /** Refuses a key given twice, which a hand edit can leave: which of the two would be meant? */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    static final ObjectMapper JSON = new ObjectMapper();

    private final String where;

    StrictJson(String where) {
        this.where = where;
    }

    /** The value's root object, with exactly {@code fields} and {@code version} {@code expectedVersion}. */
    ObjectNode root(String json, int expectedVersion, Set<String> fields) {
        return root(json, Map.of(expectedVersion, fields));
    }

    /**
     * The value's root object, its {@code version} one this shipper reads (a key of {@code fieldsByVersion}), with
     * exactly that version's fields.
     */
    ObjectNode root(String json, Map<Integer, Set<String>> fieldsByVersion) {
        if (json.isBlank()) {
            throw unreadable("the value is empty");
        }
        JsonNode root;
        try {
            root = STRICT.readTree(json);
        } catch (JsonProcessingException e) {
            throw unreadable("not JSON: " + e.getOriginalMessage());
        }
        if (!root.isObject()) {
            throw unreadable("not a JSON object");
        }
        SortedSet<Integer> versions = new TreeSet<>(fieldsByVersion.keySet());
        JsonNode version = root.get("version");
        if (version == null) {
            // Names the fields the newest version has (all of them have "version"): refuses the value.
            requireFields(root, fieldsByVersion.get(versions.last()), "the value");
        }
        if (!version.isInt() || !versions.contains(version.intValue())) {
            throw unreadable("version " + version + " is not one this shipper reads (" + versions.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")) + "); a newer shipper may have written it: run that version");
        }
        requireFields(root, fieldsByVersion.get(version.intValue()), "the value");
        return (ObjectNode) root;
    }

    void requireFields(JsonNode node, Set<String> fields, String what) {
        Set<String> present = new TreeSet<>();
        node.fieldNames().forEachRemaining(present::add);
        if (!present.equals(fields)) {
            throw unreadable(what + " has the fields " + present + " where this shipper writes " + new TreeSet<>(fields));
        }
    }

    JsonNode object(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw unreadable(what + " is not an object");
        }
        return node;
    }

    /** An offset as {@link #write} puts it: {@code {"timestamp": ISO-8601 instant, "id": text}}. */
    Offset offset(JsonNode node, String what) {
        object(node, what);
        requireFields(node, Set.of("timestamp", "id"), what);
        return offset(node.get("timestamp"), node.get("id"), what);
    }

    Offset offset(JsonNode timestamp, JsonNode id, String what) {
        if (timestamp == null || id == null || !timestamp.isTextual() || !id.isTextual()) {
            throw unreadable(what + " needs a text timestamp and id");
        }
        return new Offset(instant(timestamp, what), id.asText());
    }

    Instant instant(JsonNode timestamp, String what) {
        try {
            return Instant.parse(timestamp.asText());
        } catch (DateTimeParseException e) {
            throw unreadable(what + " has a timestamp that is not an ISO-8601 instant: " + timestamp);
        }
    }

    static ObjectNode write(Offset offset) {
        return JSON.createObjectNode().put("timestamp", offset.timestamp().toString()).put("id", offset.id());
    }

    OffsetStoreException unreadable(String reason) {
        return new OffsetStoreException("the value in " + where + " is not what this shipper writes (" + reason
                + "); nothing is shipped until it is mended: restore it from a backup, or set the offsets with"
                + " --set-offset EXPORTER=TIMESTAMP[/ID] (all=TIMESTAMP for every exporter), or delete it to start"
                + " again from lookbackPeriod", null);
    }
}
