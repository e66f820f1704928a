package io.auditshipper.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.model.AuditLogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What a value stored in the audit log table becomes as a record: one compact JSON object, so every
 * destination gets one record per line or entry.
 * <ul>
 * <li>A pretty-printed value (a hand-made table, a text column) would span several NDJSON lines, none of them
 * parseable: the whitespace between its tokens is dropped, nothing else is touched (key order, numbers and
 * strings stay as stored).</li>
 * <li>A value that is not one JSON object (a text column edited by hand, a truncated write) would stop every
 * exporter that parses the JSON at that log forever. It is shipped instead, once, as
 * {@code {"id", "date", "malformedValue": "<the stored text>"}} with a warning naming the log: nothing is
 * lost, the offsets move on, and the destination shows what was wrong.</li>
 * <li>An object without an {@code id} is shipped as it is, with a warning naming its key: destinations that
 * take the audit id as their document id cannot deduplicate it.</li>
 * </ul>
 */
final class StoredValues {

    private static final Logger LOG = LoggerFactory.getLogger(StoredValues.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private enum Shape { MALFORMED, WITHOUT_ID, AUDIT_LOG }

    private StoredValues() {
    }

    /** A value the database does not guarantee to be JSON (a text column): parsed in full to find its shape. */
    static AuditLogRecord record(String id, Instant timestamp, String value) {
        Shape shape = shapeOf(value);
        if (shape == Shape.MALFORMED) {
            LOG.warn("audit log {} at {}: the stored value is not a JSON object; shipping it as malformedValue", id, timestamp);
            ObjectNode envelope = MAPPER.createObjectNode().put("id", id).put("date", timestamp.toString()).put("malformedValue", value);
            return new AuditLogRecord(id, timestamp, envelope.toString());
        }
        if (shape == Shape.WITHOUT_ID) {
            LOG.warn("audit log {} at {}: the stored JSON has no id; shipped as stored", id, timestamp);
        }
        return new AuditLogRecord(id, timestamp, compact(value));
    }

    /**
     * A value the database guarantees is one valid JSON document (a PostgreSQL {@code jsonb} or {@code json}
     * column refuses anything else), as the UTF-8 bytes the driver received: one pass over them both compacts it
     * and finds its shape. Anything but an object takes the text column's way, to its envelope.
     */
    static AuditLogRecord record(String id, Instant timestamp, byte[] utf8, Compactor compactor) {
        ValidJson scanned = compactor.scan(utf8);
        if (!scanned.object()) {
            return record(id, timestamp, new String(utf8, StandardCharsets.UTF_8));
        }
        if (!scanned.hasId()) {
            LOG.warn("audit log {} at {}: the stored JSON has no id; shipped as stored", id, timestamp);
        }
        return new AuditLogRecord(id, timestamp, scanned.compact());
    }

    private static Shape shapeOf(String value) {
        if (value == null) {
            return Shape.MALFORMED;
        }
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Shape.MALFORMED;
            }
            boolean hasId = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                hasId |= "id".equals(parser.currentName());
                parser.nextToken();
                parser.skipChildren();
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return Shape.MALFORMED;
            }
            return hasId ? Shape.AUDIT_LOG : Shape.WITHOUT_ID;
        } catch (IOException e) {
            return Shape.MALFORMED;
        }
    }

    /** Valid JSON without the whitespace between its tokens; the same string when it has none. */
    static String compact(String json) {
        return ValidJson.scan(json).compact();
    }

    /**
     * What one pass over a valid JSON document finds: its compact form (the whitespace between tokens dropped,
     * strings untouched), whether it is an object, and whether that object has a top-level {@code id}.
     */
    record ValidJson(String compact, boolean object, boolean hasId) {

        static ValidJson scan(String json) {
            ValidJson scanned = new Compactor().scan(json.getBytes(StandardCharsets.UTF_8));
            // Compacting only drops chars: as long as the input, it is the input.
            return scanned.compact().length() == json.length() ? new ValidJson(json, scanned.object(), scanned.hasId()) : scanned;
        }
    }

    /**
     * Scans valid JSON as UTF-8 bytes into a buffer kept from one value to the next, so that a value costs one
     * allocation, its compact String: decoding it to chars first, then copying those twice, made most of the
     * garbage a pass over a large backlog collects (a third of the shipper's CPU at an 80 MiB heap). Bytes are
     * enough: every byte of a multi-byte UTF-8 character is 0x80 or above, never a quote, a backslash, a
     * bracket or whitespace. One instance per thread.
     */
    static final class Compactor {

        private byte[] out = new byte[1024];

        ValidJson scan(byte[] in) {
            if (out.length < in.length) {
                out = new byte[Math.max(in.length, 2 * out.length)];
            }
            byte[] out = this.out;
            int length = 0;
            int depth = 0;
            boolean object = false;
            boolean first = true;
            boolean expectKey = false;
            boolean hasId = false;
            int i = 0;
            while (i < in.length) {
                byte c = in[i++];
                if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                    continue;
                }
                if (first) {
                    object = c == '{';
                    first = false;
                }
                if (c == '"') {
                    // A string is copied whole, nothing in it dropped: a tight loop finds its closing quote, stepping
                    // over escaped chars (and stops at the end of a value cut short, which only a broken driver sends).
                    int start = i - 1;
                    while (i < in.length) {
                        byte inString = in[i++];
                        if (inString == '"') {
                            break;
                        }
                        if (inString == '\\') {
                            i++;
                        }
                    }
                    i = Math.min(i, in.length);
                    System.arraycopy(in, start, out, length, i - start);
                    length += i - start;
                    // A key of the top-level object: "id" is two bytes between its quotes.
                    hasId |= expectKey && depth == 1 && i - start == 4 && in[start + 1] == 'i' && in[start + 2] == 'd';
                    expectKey = false;
                    continue;
                }
                out[length++] = c;
                switch (c) {
                    case '{', '[' -> {
                        depth++;
                        expectKey = c == '{';
                    }
                    case '}', ']' -> depth--;
                    case ',' -> expectKey = depth == 1 && object;
                    default -> expectKey = false;
                }
            }
            return new ValidJson(new String(out, 0, length, StandardCharsets.UTF_8), object, hasId);
        }
    }
}
