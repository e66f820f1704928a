package io.auditshipper.exporter.splunk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Splunk's HTTP Event Collector as documented ("Format events for HTTP Event Collector", "HTTP Event Collector
 * REST API endpoints", "Troubleshoot HTTP Event Collector", "About HTTP Event Collector Indexer Acknowledgment"):
 * {@code POST /services/collector} (or {@code /services/collector/event}) with {@code Authorization: Splunk <token>};
 * a body of event objects one after the other, each with a required non-blank {@code event}, a numeric
 * {@code time}, string {@code host}/{@code source}/{@code sourcetype}/{@code index} (the index one the token may
 * write to); answers {@code {"text","code"}}: 401 code 2 (no token) or 3 (not "Splunk <token>"), 403 code 4 (invalid
 * token), 400 code 5 (no data), 6 (invalid data format, with {@code invalid-event-number}), 7 (incorrect index),
 * 10 (data channel is missing, when the token has acknowledgement on), 11 (invalid channel), 12/13 (event
 * field required/blank), 14 (ACK is disabled), 413 over {@code max_content_length}. With acknowledgement, a
 * success carries an {@code ackId} per channel, and {@code POST /services/collector/ack} with {@code {"acks":[...]}}
 * answers {@code {"acks":{"<id>":true|false}}}, or, like an event post, 400 code 14 (ACK disabled on the token),
 * 10/11 (channel missing/invalid), 401/403 for the token. A request refused indexes nothing here.
 */
public final class SplunkHecIntake {

    public static final String TOKEN = "3f1a5c2e-7b9d-4e6f-8a1b-2c3d4e5f6a7b";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ENVELOPE = Set.of("time", "host", "source", "sourcetype", "index", "event", "fields");
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    public final FakeHttpIntake server = new FakeHttpIntake(this::intake);
    public final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    public volatile boolean ackEnabled;
    /** How many polls an ackId stays false before it turns true; negative: never. */
    public volatile int pollsBeforeIndexed;
    public volatile Set<String> allowedIndexes = Set.of("main", "kestra_audit");
    public volatile long maxContentLength = 1_000_000;
    public final AtomicInteger ackPolls = new AtomicInteger();
    private final Map<String, AtomicLong> nextAckId = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> ackPollsSeen = new ConcurrentHashMap<>();

    public Answer intake(Request request) {
        assertThat(request.method()).isEqualTo("POST");
        String auth = request.header("Authorization");
        if (auth == null) {
            return hec(401, "Token is required", 2);
        }
        if (!auth.startsWith("Splunk ")) {
            return hec(401, "Invalid authorization", 3);
        }
        if (!auth.equals("Splunk " + TOKEN)) {
            return hec(403, "Invalid token", 4);
        }
        String channel = request.header("X-Splunk-Request-Channel");
        if (channel == null && !request.params("channel").isEmpty()) {
            channel = request.params("channel").get(0);
        }
        if (request.path().equals("/services/collector/ack")) {
            return ack(request, channel);
        }
        assertThat(request.path()).isIn("/services/collector", "/services/collector/event");
        if (ackEnabled && channel == null) {
            return hec(400, "Data channel is missing", 10);
        }
        if (channel != null && !GUID.matcher(channel).matches()) {
            return hec(400, "Invalid data channel", 11);
        }
        if (request.body().length > maxContentLength) {
            return Answer.of(413, "{\"text\":\"Content-Length of " + request.body().length + " too large (maximum is "
                    + maxContentLength + ")\",\"code\":6}");
        }
        assertThat(request.header("Content-Type")).startsWith("application/json");
        List<JsonNode> events = new ArrayList<>();
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(request.body())) {
            while (it.hasNextValue()) {
                events.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            return hec(400, "Invalid data format", 6, events.size());
        }
        if (events.isEmpty()) {
            return hec(400, "No data", 5);
        }
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            if (!event.isObject()) {
                return hec(400, "Invalid data format", 6, i);
            }
            if (!event.has("event")) {
                return hec(400, "Event field is required", 12, i);
            }
            if (event.get("event").isNull() || event.get("event").isTextual() && event.get("event").asText().isBlank()) {
                return hec(400, "Event field cannot be blank", 13, i);
            }
            for (var names = event.fieldNames(); names.hasNext(); ) {
                if (!ENVELOPE.contains(names.next())) {
                    return hec(400, "Invalid data format", 6, i);
                }
            }
            if (event.has("time") && !event.get("time").isNumber()) {
                return hec(400, "Invalid data format", 6, i);
            }
            for (String key : List.of("host", "source", "sourcetype", "index")) {
                if (event.has(key) && !event.get(key).isTextual()) {
                    return hec(400, "Invalid data format", 6, i);
                }
            }
            if (event.has("index") && !allowedIndexes.contains(event.get("index").asText())) {
                return hec(400, "Incorrect index", 7, i);
            }
        }
        accepted.addAll(events);
        if (channel == null) {
            return hec(200, "Success", 0);
        }
        long ackId = nextAckId.computeIfAbsent(channel, c -> new AtomicLong()).getAndIncrement();
        return Answer.of(200, "{\"text\":\"Success\",\"code\":0,\"ackId\":" + ackId + "}");
    }

    private Answer ack(Request request, String channel) {
        if (!ackEnabled) {
            return hec(400, "ACK is disabled", 14);
        }
        if (channel == null) {
            return hec(400, "Data channel is missing", 10);
        }
        if (!GUID.matcher(channel).matches()) {
            return hec(400, "Invalid data channel", 11);
        }
        ackPolls.incrementAndGet();
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            return hec(400, "Invalid data format", 6);
        }
        assertThat(body.path("acks").isArray()).as("the ack poll is {\"acks\": [ids]}").isTrue();
        var answer = JSON.createObjectNode();
        var acks = answer.putObject("acks");
        for (JsonNode id : body.path("acks")) {
            assertThat(id.canConvertToLong()).isTrue();
            assertThat(id.asLong()).as("an ackId this channel was given").isLessThan(
                    nextAckId.getOrDefault(channel, new AtomicLong()).get());
            int seen = ackPollsSeen.computeIfAbsent(channel + "/" + id.asLong(), k -> new AtomicInteger()).incrementAndGet();
            acks.put(id.asText(), pollsBeforeIndexed >= 0 && seen > pollsBeforeIndexed);
        }
        return Answer.of(200, answer.toString());
    }

    static Answer hec(int status, String text, int code) {
        return Answer.of(status, "{\"text\":\"" + text + "\",\"code\":" + code + "}");
    }

    static Answer hec(int status, String text, int code, int invalidEvent) {
        return Answer.of(status, "{\"text\":\"" + text + "\",\"code\":" + code + ",\"invalid-event-number\":" + invalidEvent + "}");
    }

    public List<String> acceptedIds() {
        return accepted.stream().map(event -> event.path("event").path("id").asText()).toList();
    }
}
