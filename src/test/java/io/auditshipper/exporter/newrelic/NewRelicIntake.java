package io.auditshipper.exporter.newrelic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New Relic's Log API as documented: {@code POST /log/v1}, {@code Api-Key}, gzip, at most 1 MB compressed
 * per payload, the detailed format (common block + logs with timestamp and message); 202 on success,
 * 403 on a bad key, 413 over the size. Keeps the logs it accepted.
 */
public final class NewRelicIntake implements AutoCloseable {

    public static final String API_KEY = "nr-key-321";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    public final FakeHttpIntake http = new FakeHttpIntake(this::logApi);

    public String url() {
        return http.baseUrl();
    }

    Answer logApi(Request request) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/log/v1");
        if (!API_KEY.equals(request.header("Api-Key"))) {
            return Answer.of(403, "");
        }
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
        if (request.sentBytes() > 1_000_000) {
            return Answer.of(413, "{\"error\":\"payload too large\"}");
        }
        JsonNode blocks;
        try {
            blocks = JSON.readTree(request.body());
        } catch (IOException e) {
            return Answer.of(400, "{\"error\":\"malformed json\"}");
        }
        assertThat(blocks.isArray()).isTrue();
        for (JsonNode block : blocks) {
            assertThat(block.path("common").path("attributes").path("logtype").asText()).isEqualTo("kestra-audit");
            for (JsonNode log : block.path("logs")) {
                assertThat(log.path("timestamp").isIntegralNumber()).as("timestamp in epoch ms").isTrue();
                assertThat(log.path("message").isTextual()).isTrue();
                accepted.add(log);
            }
        }
        return Answer.of(202, "{\"requestId\":\"" + UUID.randomUUID() + "\"}");
    }

    /** The audit log ids in the order they were accepted. */
    public List<String> acceptedIds() {
        return accepted.stream().map(log -> log.path("attributes").path("audit.id").asText()).toList();
    }

    @Override
    public void close() {
        http.close();
    }
}
