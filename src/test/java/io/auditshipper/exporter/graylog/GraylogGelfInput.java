package io.auditshipper.exporter.graylog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graylog's GELF HTTP input as documented: {@code POST /gelf}, 202 Accepted; compression through
 * {@code Content-Encoding}; one GELF message per request, or newline-delimited ({@code \n} or {@code \r\n})
 * messages when "Enable Bulk Receiving" is on, each a single line of JSON; a body over the input's
 * "Max. HTTP chunk size" (65536 by default) refused 413. A message is GELF 1.1
 * (https://go2docs.graylog.org/current/getting_in_log_data/gelf_format.html): {@code version} "1.1",
 * {@code host} and {@code short_message} non-empty strings, {@code timestamp} a number of seconds,
 * {@code level} a syslog level (0-7), {@code full_message} a string, every other field {@code _}-prefixed with a
 * name of word characters, dots and dashes, a string or number value, and never {@code _id}.
 */
public final class GraylogGelfInput {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIELD = Pattern.compile("^_[\\w.\\-]*$");

    public final FakeHttpIntake server = new FakeHttpIntake(this::input);
    public final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    public volatile boolean bulkReceiving;
    public volatile int maxChunkSize = 65_536;

    public Answer input(Request request) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/gelf");
        if (request.body().length > maxChunkSize) {
            return Answer.of(413, "");
        }
        String body = new String(request.body(), StandardCharsets.UTF_8);
        List<String> lines = bulkReceiving ? List.of(body.split("\r?\n")) : List.of(body);
        List<JsonNode> messages = new ArrayList<>();
        for (String line : lines) {
            JsonNode message;
            try {
                message = JSON.readTree(line);
            } catch (IOException e) {
                return Answer.of(400, "");
            }
            String problem = problem(message);
            if (problem != null) {
                return Answer.of(400, problem);
            }
            messages.add(message);
        }
        accepted.addAll(messages);
        return new Answer(202, Map.of(), new byte[0]);
    }

    private static String problem(JsonNode message) {
        if (message == null || !message.isObject()) {
            return "not a JSON object";
        }
        if (!"1.1".equals(message.path("version").textValue())) {
            return "version must be \"1.1\"";
        }
        for (String required : List.of("host", "short_message")) {
            if (!message.path(required).isTextual() || message.path(required).asText().isBlank()) {
                return required + " must be a non-empty string";
            }
        }
        if (message.has("timestamp") && !message.get("timestamp").isNumber()) {
            return "timestamp must be a number";
        }
        if (message.has("level") && !(message.get("level").isInt() && message.get("level").asInt() >= 0 && message.get("level").asInt() <= 7)) {
            return "level must be a syslog level";
        }
        for (var fields = message.fields(); fields.hasNext(); ) {
            var field = fields.next();
            String name = field.getKey();
            if (List.of("version", "host", "short_message", "full_message", "timestamp", "level").contains(name)) {
                continue;
            }
            if (name.equals("_id") || !FIELD.matcher(name).matches()) {
                return "field " + name + " is not allowed";
            }
            if (!field.getValue().isTextual() && !field.getValue().isNumber()) {
                return "field " + name + " must be a string or a number";
            }
        }
        return null;
    }

    public List<String> acceptedIds() {
        return accepted.stream().map(m -> m.path("_audit_id").asText()).toList();
    }
}
