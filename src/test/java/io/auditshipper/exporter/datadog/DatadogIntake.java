package io.auditshipper.exporter.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Datadog's HTTP logs intake (v2) as documented: {@code POST /api/v2/logs}, {@code DD-API-KEY}, JSON array
 * of at most 1000 entries and 5 MB uncompressed, 1 MB per log; 202 on success, 403 on a bad key, 413 over
 * the limits, 400 on a malformed payload. Keeps the entries it accepted; an entry whose {@code date} is more than
 * 18 hours before or 2 hours after the intake's {@code now} is answered 202 like the others and dropped, as
 * Datadog does (https://docs.datadoghq.com/api/latest/logs/#send-logs,
 * https://docs.datadoghq.com/logs/log_configuration/processors/log_date_remapper/): kept in {@link #dropped}.
 */
public final class DatadogIntake {

    public static final String API_KEY = "dd-key-789";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final FakeHttpIntake server;
    public final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    /** Entries answered 202 and dropped for their date: shipped to be lost, which a test expects never to see. */
    public final List<JsonNode> dropped = new CopyOnWriteArrayList<>();
    private final java.time.Instant now;

    /** An intake whose clock reads {@code now}, the time the shipper under test is given. */
    public DatadogIntake(java.time.Instant now) {
        this(now, 0);
    }

    /** On {@code port} (0: any free one). */
    public DatadogIntake(java.time.Instant now, int port) {
        this.now = now;
        this.server = new FakeHttpIntake(this::intake, null, null, port);
    }

    /** Datadog's answer to a request; public for a test that puts its own answers in front of it. */
    public Answer intake(Request request) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/v2/logs");
        if (!API_KEY.equals(request.header("DD-API-KEY"))) {
            return Answer.of(403, "{\"errors\":[\"Forbidden\"]}");
        }
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
        if (request.body().length > 5 * 1024 * 1024) {
            return Answer.of(413, "{\"errors\":[\"Payload too large\"]}");
        }
        JsonNode entries;
        try {
            entries = JSON.readTree(request.body());
        } catch (IOException e) {
            return Answer.of(400, "{\"errors\":[\"Bad Request\"]}");
        }
        assertThat(entries.isArray()).as("body is a JSON array").isTrue();
        if (entries.size() > 1000) {
            return Answer.of(413, "{\"errors\":[\"Too many entries\"]}");
        }
        for (JsonNode entry : entries) {
            assertThat(entry.path("ddsource").isTextual()).isTrue();
            assertThat(entry.path("service").isTextual()).isTrue();
            assertThat(entry.path("hostname").isTextual()).isTrue();
            assertThat(entry.path("date").isTextual()).isTrue();
            assertThat(entry.path("message").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .as("one log is at most 1 MB").isLessThanOrEqualTo(1024 * 1024);
        }
        for (JsonNode entry : entries) {
            java.time.Instant date = java.time.Instant.parse(entry.path("date").asText());
            boolean kept = !date.isBefore(now.minus(java.time.Duration.ofHours(18)))
                    && !date.isAfter(now.plus(java.time.Duration.ofHours(2)));
            (kept ? accepted : dropped).add(entry);
        }
        return Answer.of(202, "{}");
    }

    /** The audit log ids in the order they were accepted (read from the head of a message truncated with a marker). */
    public List<String> acceptedIds() {
        return accepted.stream().map(entry -> {
            String message = entry.path("message").asText();
            if (message.endsWith(io.auditshipper.exporter.encoding.Truncation.MARKER)) {
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("^\\{\"tenantId\":\"[^\"]*\",\"id\":\"([^\"]+)\"")
                        .matcher(message);
                assertThat(id.find()).as("a truncated message keeps its head").isTrue();
                return id.group(1);
            }
            try {
                return JSON.readTree(message).path("id").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
