package io.auditshipper.exporter.datadog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.exporter.encoding.Truncation;
import io.auditshipper.exporter.http.JsonFraming;
import io.auditshipper.model.AuditLogRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The JSON array Datadog's logs intake takes: one entry per audit log with {@code ddsource},
 * {@code service}, {@code hostname}, {@code ddtags}, {@code date} (the log's own time) and {@code message}
 * (the audit log JSON), the message truncated with a marker past Datadog's 1 MB per log.
 */
record DatadogEntryEncoder(String ddsource, String service, String hostname, String ddtags) implements JsonFraming.Encoder {

    /** Datadog's 1 MB per log, less room for the entry's other fields. */
    static final int MAX_MESSAGE_BYTES = 1024 * 1024 - 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public byte[] entry(AuditLogRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(record.json().length() + 200);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("ddsource", ddsource);
            json.writeStringField("service", service);
            json.writeStringField("hostname", hostname);
            if (ddtags != null) {
                json.writeStringField("ddtags", ddtags);
            }
            json.writeStringField("date", record.timestamp().toString());
            json.writeStringField("message", Truncation.toUtf8Bytes(record.json(), MAX_MESSAGE_BYTES));
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    @Override
    public JsonFraming framing() {
        return JsonFraming.ARRAY;
    }
}
