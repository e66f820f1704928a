package io.auditshipper.exporter.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CloudWatch Logs as its API reference describes it, over the AWS JSON 1.1 protocol the SDK speaks:
 * {@code POST /} with {@code X-Amz-Target: Logs_20140328.<Operation>}, SigV4-signed with the configured
 * key. CreateLogGroup / CreateLogStream (ResourceAlreadyExistsException when present), PutLogEvents checked
 * against the documented limits (10,000 events, 1,048,576 bytes counting 26 per event, chronological order,
 * 24 hours at most, 1 MB per event; ResourceNotFoundException for a missing group or stream); events
 * older than 14 days or than the group's {@link #retention}, or more than 2 hours ahead of the server's clock
 * ({@code now}, which a test may set apart from the shipper's), are left out and reported in
 * {@code rejectedLogEventsInfo} as the service does (tooOldLogEventEndIndex and expiredLogEventEndIndex exclusive,
 * tooNewLogEventStartIndex inclusive), kept in {@link #rejected}. An operation named in
 * {@link #deny} is refused as IAM refuses an action the caller's policy does not grant: HTTP 400 with
 * {@code {"__type":"AccessDeniedException","message":"User: ... is not authorized to perform: logs:..."}}.
 */
public final class FakeCloudWatchLogs implements AutoCloseable {

    public static final String ACCESS_KEY = "AKIAEXAMPLEKEY";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final FakeHttpIntake http = new FakeHttpIntake(this::answer);
    final Set<String> groups = ConcurrentHashMap.newKeySet();
    final Set<String> streams = ConcurrentHashMap.newKeySet();
    public final List<JsonNode> events = new CopyOnWriteArrayList<>();
    volatile Instant now;
    /** Answers ThrottlingException to the next this many PutLogEvents calls. */
    volatile int throttle;
    /** How many PutLogEvents calls were answered ThrottlingException. */
    final java.util.concurrent.atomic.AtomicInteger throttled = new java.util.concurrent.atomic.AtomicInteger();
    /** The log group's retention (null: never expire). */
    volatile Duration retention;
    /** Events the service accepted the call of but left out, reported in rejectedLogEventsInfo. */
    public final List<JsonNode> rejected = new CopyOnWriteArrayList<>();
    /** Operations (CreateLogGroup, ...) the caller's IAM policy does not allow. */
    final Set<String> deny = ConcurrentHashMap.newKeySet();

    public FakeCloudWatchLogs(Instant now) {
        this.now = now;
    }

    public String url() {
        return http.baseUrl();
    }

    private static Answer error(String type, String message) {
        return new Answer(400, Map.of("Content-Type", "application/x-amz-json-1.1"),
                "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    private Answer answer(Request request) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/");
        assertThat(request.header("Content-Type")).startsWith("application/x-amz-json-1.1");
        assertThat(request.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
                .contains("/us-east-1/logs/aws4_request");
        String target = request.header("X-Amz-Target");
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String group = body.path("logGroupName").asText();
        String stream = group + "/" + body.path("logStreamName").asText();
        String operation = target.substring(target.indexOf('.') + 1);
        if (deny.contains(operation)) {
            return error("AccessDeniedException", "User: arn:aws:iam::123456789012:user/audit-shipper is not authorized to"
                    + " perform: logs:" + operation + " on resource: arn:aws:logs:us-east-1:123456789012:log-group:" + group
                    + ":log-stream: because no identity-based policy allows the logs:" + operation + " action");
        }
        switch (target) {
            case "Logs_20140328.CreateLogGroup":
                return groups.add(group) ? ok("{}") : error("ResourceAlreadyExistsException", "The specified log group already exists");
            case "Logs_20140328.CreateLogStream":
                if (!groups.contains(group)) {
                    return error("ResourceNotFoundException", "The specified log group does not exist.");
                }
                return streams.add(stream) ? ok("{}") : error("ResourceAlreadyExistsException", "The specified log stream already exists");
            case "Logs_20140328.PutLogEvents":
                return put(body, stream);
            default:
                throw new AssertionError("unexpected operation " + target);
        }
    }

    private Answer put(JsonNode body, String stream) {
        if (!groups.contains(body.path("logGroupName").asText())) {
            return error("ResourceNotFoundException", "The specified log group does not exist.");
        }
        if (!streams.contains(stream)) {
            return error("ResourceNotFoundException", "The specified log stream does not exist.");
        }
        if (throttle > 0) {
            throttle--;
            throttled.incrementAndGet();
            return error("ThrottlingException", "Rate exceeded");
        }
        JsonNode logEvents = body.path("logEvents");
        assertThat(logEvents.size()).as("events per call").isBetween(1, 10_000);
        long bytes = 0;
        long first = logEvents.get(0).path("timestamp").asLong();
        long previous = first;
        for (JsonNode event : logEvents) {
            long size = event.path("message").asText().getBytes(StandardCharsets.UTF_8).length + 26L;
            assertThat(size).as("one event (1 MB, and within the call's 1,048,576 bytes)").isLessThanOrEqualTo(1_048_576);
            bytes += size;
            long timestamp = event.path("timestamp").asLong();
            assertThat(timestamp).as("chronological order").isGreaterThanOrEqualTo(previous);
            previous = timestamp;
        }
        assertThat(bytes).as("bytes per call").isLessThanOrEqualTo(1_048_576);
        assertThat(previous - first).as("span of a call").isLessThan(Duration.ofHours(24).toMillis());
        int tooOld = leadingBefore(logEvents, now.minus(Duration.ofDays(14)));
        int expired = retention == null ? 0 : leadingBefore(logEvents, now.minus(retention));
        int tooNew = 0;
        long newest = now.plus(Duration.ofHours(2)).toEpochMilli();
        while (tooNew < logEvents.size() && logEvents.get(tooNew).path("timestamp").asLong() <= newest) {
            tooNew++;
        }
        int from = Math.max(tooOld, expired);
        for (int i = 0; i < logEvents.size(); i++) {
            (i >= from && i < tooNew ? events : rejected).add(logEvents.get(i));
        }
        ObjectNode answer = JSON.createObjectNode().put("nextSequenceToken", "49" + events.size());
        if (tooOld > 0 || expired > tooOld || tooNew < logEvents.size()) {
            ObjectNode info = answer.putObject("rejectedLogEventsInfo");
            if (tooOld > 0) {
                info.put("tooOldLogEventEndIndex", tooOld);
            }
            if (expired > tooOld) {
                info.put("expiredLogEventEndIndex", expired);
            }
            if (tooNew < logEvents.size()) {
                info.put("tooNewLogEventStartIndex", tooNew);
            }
        }
        return ok(answer.toString());
    }

    private static int leadingBefore(JsonNode logEvents, Instant limit) {
        int count = 0;
        while (count < logEvents.size() && logEvents.get(count).path("timestamp").asLong() < limit.toEpochMilli()) {
            count++;
        }
        return count;
    }

    private static Answer ok(String body) {
        return new Answer(200, Map.of("Content-Type", "application/x-amz-json-1.1"), body);
    }

    @Override
    public void close() {
        http.close();
    }
}
