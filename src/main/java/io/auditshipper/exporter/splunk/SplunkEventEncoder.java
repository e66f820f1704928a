package io.auditshipper.exporter.splunk;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.exporter.http.Delimited;
import io.auditshipper.model.AuditLogRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Splunk HEC's event envelope, one per audit log, concatenated as the {@code /services/collector} endpoint
 * takes a batch: {@code {"time": <epoch seconds with fraction>, "host", "source", "sourcetype", "index",
 * "event": <the audit log JSON as an object>}}; {@code sourcetype} and {@code index} only when set, so the
 * token's defaults apply otherwise.
 */
record SplunkEventEncoder(String host, String source, String sourcetype, String index) implements Delimited {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] NOTHING = new byte[0];

    @Override
    public byte[] entry(AuditLogRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(record.json().length() + 160);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeFieldName("time");
            json.writeNumber(epochSeconds(record.timestamp()));
            json.writeStringField("host", host);
            json.writeStringField("source", source);
            if (sourcetype != null) {
                json.writeStringField("sourcetype", sourcetype);
            }
            if (index != null) {
                json.writeStringField("index", index);
            }
            json.writeFieldName("event");
            json.writeRawValue(record.json());
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    /** {@code 1763640000.123456}: seconds, and the fraction down to the microsecond (Splunk's {@code _time} keeps no finer). */
    static String epochSeconds(Instant time) {
        BigDecimal seconds = BigDecimal.valueOf(time.getEpochSecond()).add(BigDecimal.valueOf(time.getNano() / 1000, 6));
        return seconds.stripTrailingZeros().scale() <= 0 ? String.valueOf(time.getEpochSecond())
                : seconds.stripTrailingZeros().toPlainString();
    }

    @Override
    public byte[] separator() {
        return NOTHING;
    }
}
