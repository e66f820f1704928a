package io.auditshipper.exporter.graylog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.exporter.encoding.AuditFields;
import io.auditshipper.exporter.encoding.Truncation;
import io.auditshipper.exporter.http.Delimited;
import io.auditshipper.model.AuditLogRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * A GELF 1.1 message per audit log (https://go2docs.graylog.org/current/getting_in_log_data/gelf_format.html):
 * {@code version} "1.1", {@code host} (the exporter's {@code graylogHost}), {@code short_message} (what happened,
 * in a few words), {@code timestamp} (epoch seconds with milliseconds), {@code level} (syslog severity), and every
 * field of the audit log as an additional field: {@code _} and its path joined by {@code _}
 * ({@code detail.namespace} is {@code _detail_namespace}), arrays (the JSON patches) as JSON text, booleans as
 * text (GELF takes only strings and numbers), and the audit log's {@code id} as {@code _audit_id}, since GELF
 * forbids {@code _id}. One message per line in a bulk body (Graylog's bulk receiving splits on newlines).
 */
record GelfEncoder(String host, int maxFieldBytes) implements Delimited {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] NEWLINE = {'\n'};

    @Override
    public byte[] entry(AuditLogRecord record) throws IOException {
        AuditFields audit = AuditFields.of(record);
        ByteArrayOutputStream out = new ByteArrayOutputStream(record.json().length() + 300);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("version", "1.1");
            json.writeStringField("host", host);
            json.writeStringField("short_message", audit.summary());
            json.writeFieldName("timestamp");
            json.writeNumber(BigDecimal.valueOf(record.timestamp().toEpochMilli(), 3).toPlainString());
            json.writeNumberField("level", audit.syslogSeverity());
            flatten(json, "", audit.log());
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private void flatten(JsonGenerator json, String path, JsonNode node) throws IOException {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = path + "_" + field.getKey().replaceAll("[^\\w.\\-]", "_");
            JsonNode value = field.getValue();
            if (name.equals("_id")) {
                name = "_audit_id";
            }
            if (value.isObject()) {
                flatten(json, name, value);
            } else if (value.isNumber()) {
                json.writeFieldName(name);
                json.writeTree(value);
            } else if (!value.isNull() && !value.isMissingNode()) {
                String text = value.isValueNode() ? value.asText() : value.toString();
                json.writeStringField(name, Truncation.toUtf8Bytes(text, maxFieldBytes));
            }
        }
    }

    @Override
    public byte[] separator() {
        return NEWLINE;
    }
}
