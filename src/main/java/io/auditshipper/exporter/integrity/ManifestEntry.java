package io.auditshipper.exporter.integrity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.model.Offset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One link of the manifest chain: the data object it records (name, SHA-256 of its bytes as stored, line count,
 * first and last log) and the SHA-256 of the entry before it ({@code previous}, null for the first). Written in
 * one fixed layout, with nothing of the time of writing, so the same object and the same predecessor always give
 * the same bytes: a replay rewrites an entry byte for byte.
 */
public record ManifestEntry(long seq, String name, String sha256, long lines, Offset first, Offset last, String previous) {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The entry as stored: one JSON object and a newline. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("seq", seq);
            json.writeStringField("name", name);
            json.writeStringField("sha256", sha256);
            json.writeNumberField("lines", lines);
            writeOffset(json, "first", first);
            writeOffset(json, "last", last);
            json.writeStringField("previous", previous);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeOffset(JsonGenerator json, String field, Offset offset) throws IOException {
        json.writeObjectFieldStart(field);
        json.writeStringField("timestamp", offset.timestamp().toString());
        json.writeStringField("id", offset.id());
        json.writeEndObject();
    }

    /** An entry as read back; IOException when the bytes are not an entry. */
    public static ManifestEntry parse(byte[] bytes) throws IOException {
        JsonNode entry = JSON.readTree(bytes);
        try {
            if (entry == null || !entry.path("seq").canConvertToLong() || !entry.path("lines").canConvertToLong()) {
                throw new IOException("not a manifest entry");
            }
            JsonNode previous = entry.path("previous");
            return new ManifestEntry(entry.path("seq").asLong(), text(entry, "name"), text(entry, "sha256"),
                    entry.path("lines").asLong(), offset(entry.path("first")), offset(entry.path("last")),
                    previous.isNull() ? null : text(entry, "previous"));
        } catch (DateTimeParseException e) {
            throw new IOException("not a manifest entry: " + e.getMessage(), e);
        }
    }

    private static Offset offset(JsonNode offset) throws IOException {
        return new Offset(Instant.parse(text(offset, "timestamp")), text(offset, "id"));
    }

    private static String text(JsonNode node, String field) throws IOException {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new IOException("not a manifest entry: no " + field);
        }
        return value.asText();
    }
}
