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
import java.time.Instant;

/**
 * A stored value that is not one JSON object (a text column edited by hand, a truncated write) would
 * stop every exporter that parses the JSON at that log forever. It is shipped instead, once, as
 * {@code {"id", "date", "malformedValue": "<the stored text>"}} with a warning naming the log: nothing is
 * lost, the offsets move on, and the destination shows what was wrong.
 */
final class MalformedValues {

    private static final Logger LOG = LoggerFactory.getLogger(MalformedValues.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MalformedValues() {
    }

    static AuditLogRecord record(String id, Instant timestamp, String value) {
        if (isOneObject(value)) {
            return new AuditLogRecord(id, timestamp, value);
        }
        LOG.warn("audit log {} at {}: the stored value is not a JSON object; shipping it as malformedValue", id, timestamp);
        ObjectNode envelope = MAPPER.createObjectNode().put("id", id).put("date", timestamp.toString()).put("malformedValue", value);
        return new AuditLogRecord(id, timestamp, envelope.toString());
    }

    private static boolean isOneObject(String value) {
        if (value == null) {
            return false;
        }
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
