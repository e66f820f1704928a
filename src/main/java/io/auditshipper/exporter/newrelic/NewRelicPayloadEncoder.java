package io.auditshipper.exporter.newrelic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.exporter.encoding.Truncation;
import io.auditshipper.exporter.http.JsonFraming;
import io.auditshipper.model.AuditLogRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * New Relic's detailed Log API payload: one block with {@code common} attributes shared by the batch and
 * {@code logs}, each with the audit log's own time ({@code timestamp}, epoch milliseconds), the audit log
 * JSON as {@code message} (cut with a marker past {@link #MAX_MESSAGE_BYTES}), and its main fields as
 * attributes to query on.
 */
final class NewRelicPayloadEncoder implements JsonFraming.Encoder {

    /**
     * New Relic keeps at most 128 KB of an attribute (the first 4,094 characters searchable, the rest in a
     * blob, "data beyond 128KB will be truncated":
     * https://docs.newrelic.com/docs/logs/log-api/log-event-data/), so a longer message is cut here with a
     * marker saying so, rather than cut silently by New Relic or, over the 1 MB per POST
     * (https://docs.newrelic.com/docs/logs/log-management/log-api/introduction-log-api/#limits), parked.
     */
    static final int MAX_MESSAGE_BYTES = 128 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One block: the common attributes, then the logs. */
    private final JsonFraming framing;

    NewRelicPayloadEncoder(String service, String hostname) {
        String common = JSON.createObjectNode().put("logtype", "kestra-audit").put("service", service)
                .put("hostname", hostname).toString();
        this.framing = JsonFraming.of("[{\"common\":{\"attributes\":" + common + "},\"logs\":[", "]}]");
    }

    @Override
    public byte[] entry(AuditLogRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(record.json().length() + 400);
        JsonNode log = JSON.readTree(record.json());
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("timestamp", record.timestamp().toEpochMilli());
            json.writeStringField("message", Truncation.toUtf8Bytes(record.json(), MAX_MESSAGE_BYTES));
            json.writeObjectFieldStart("attributes");
            json.writeStringField("audit.id", record.id());
            writeIfText(json, "audit.type", log.path("type"));
            writeIfText(json, "audit.userId", log.path("userId"));
            writeIfText(json, "audit.tenantId", log.path("tenantId"));
            writeIfText(json, "audit.detail.type", log.path("detail").path("type"));
            writeIfText(json, "audit.detail.namespace", log.path("detail").path("namespace"));
            json.writeEndObject();
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    @Override
    public JsonFraming framing() {
        return framing;
    }

    private static void writeIfText(JsonGenerator json, String name, JsonNode value) throws IOException {
        if (value.isTextual()) {
            json.writeStringField(name, value.asText());
        }
    }
}
