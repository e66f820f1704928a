package io.auditshipper.exporter.datadog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.exporter.http.RequestEncoder;
import io.auditshipper.model.AuditLogRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON array Datadog's logs intake takes: one entry per audit log with {@code ddsource},
 * {@code service}, {@code hostname}, {@code ddtags}, {@code date} (the log's own time) and {@code message}
 * (the audit log JSON), the message truncated with a marker past Datadog's 1 MB per log.
 */
record DatadogEntryEncoder(String ddsource, String service, String hostname, String ddtags) implements RequestEncoder {

    static final int MAX_LOG_BYTES = 1024 * 1024;
    static final String TRUNCATED = "...[truncated by kestra-audit-shipper: the log was over Datadog's 1 MB]";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public byte[] encode(List<AuditLogRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(records.size() * 600);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartArray();
            for (AuditLogRecord record : records) {
                json.writeStartObject();
                json.writeStringField("ddsource", ddsource);
                json.writeStringField("service", service);
                json.writeStringField("hostname", hostname);
                if (ddtags != null) {
                    json.writeStringField("ddtags", ddtags);
                }
                json.writeStringField("date", record.timestamp().toString());
                json.writeStringField("message", withinLogLimit(record.json()));
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        return out.toByteArray();
    }

    /** The message, cut to leave room for the entry's other fields and the marker within 1 MB. */
    static String withinLogLimit(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_LOG_BYTES - 1024) {
            return message;
        }
        String head = new String(bytes, 0, MAX_LOG_BYTES - 1024 - TRUNCATED.length(), StandardCharsets.UTF_8);
        // A multi-byte character cut in two decodes as U+FFFD: drop it.
        if (head.endsWith("\uFFFD")) {
            head = head.substring(0, head.length() - 1);
        }
        return head + TRUNCATED;
    }
}
