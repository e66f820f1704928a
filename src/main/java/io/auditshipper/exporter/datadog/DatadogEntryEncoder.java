package io.auditshipper.exporter.datadog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.exporter.OutsideWindow;
import io.auditshipper.exporter.encoding.Truncation;
import io.auditshipper.exporter.http.JsonFraming;
import io.auditshipper.model.AuditLogRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The JSON array Datadog's logs intake takes: one entry per audit log with {@code ddsource},
 * {@code service}, {@code hostname}, {@code ddtags}, {@code date} (the log's own time) and {@code message}
 * (the audit log JSON), the message truncated with a marker past Datadog's 1 MB per log. For a {@code batch}
 * whose logs outside Datadog's window are shipped with the shipping time, such a log's {@code date} is that time
 * and its own date is kept as {@code original_date} (the message keeps it too, as the record's {@code date}).
 */
record DatadogEntryEncoder(String ddsource, String service, String hostname, String ddtags,
                           OutsideWindow.Batch batch) implements JsonFraming.Encoder {

    /** The attribute holding a rewritten log's own date. */
    static final String ORIGINAL_DATE = "original_date";

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
            if (batch != null && batch.rewritten(record)) {
                json.writeStringField("date", batch.shippedAt().toString());
                json.writeStringField(ORIGINAL_DATE, record.timestamp().toString());
            } else {
                json.writeStringField("date", record.timestamp().toString());
            }
            json.writeStringField("message", Truncation.toUtf8Bytes(record.json(), MAX_MESSAGE_BYTES));
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    /** This encoder for one batch, stamping its logs as the batch says. */
    DatadogEntryEncoder stampedFor(OutsideWindow.Batch batch) {
        return new DatadogEntryEncoder(ddsource, service, hostname, ddtags, batch);
    }

    @Override
    public JsonFraming framing() {
        return JsonFraming.ARRAY;
    }
}
