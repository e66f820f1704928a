package io.auditshipper.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The NDJSON lines of a file or object, the audit log JSON as shipped: the top-level {@code id} and {@code date} of
 * each line, read with Jackson's streaming parser (the other fields are skipped, never built into a tree).
 */
public final class LogLines {

    private static final JsonFactory JSON = new JsonFactory();

    private LogLines() {
    }

    /** Hands each line's id and date to {@code each}; the number of lines with no readable id. */
    static long read(InputStream in, DestinationReader.Each each) throws IOException {
        long unreadable = 0;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            DestinationReader.HeldLog log = parse(line);
            if (log == null) {
                unreadable++;
            } else {
                each.held(log);
            }
        }
        return unreadable;
    }

    /** The line's top-level id and date; null when it is not a JSON object with a text id. */
    static DestinationReader.HeldLog parse(String line) {
        String id = null;
        Instant date = null;
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING && field.equals("id")) {
                    id = parser.getText();
                } else if (value == JsonToken.VALUE_STRING && field.equals("date")) {
                    date = date(parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return id == null ? null : new DestinationReader.HeldLog(id, date);
    }

    /** An ISO-8601 date at the source's precision (microseconds); null when it is not one. */
    public static Instant date(String text) {
        try {
            return Instant.parse(text).truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
