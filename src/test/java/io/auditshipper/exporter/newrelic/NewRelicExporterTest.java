package io.auditshipper.exporter.newrelic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The New Relic exporter through the pipeline, against an intake that checks the Log API's documented
 * contract: {@code POST /log/v1}, {@code Api-Key}, gzip, at most 1 MB compressed per payload, the
 * detailed format (common block + logs with timestamp and message); 202 on success.
 */
class NewRelicExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final String API_KEY = "nr-test-key-9876543210";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    private final FakeHttpIntake intake = new FakeHttpIntake(this::logApi);

    @AfterEach
    void stop() {
        intake.close();
    }

    private Answer logApi(Request request) {
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
        return Answer.of(202, "{\"requestId\":\"" + java.util.UUID.randomUUID() + "\"}");
    }

    private Pass ship(ShipperFixture f, String exporterChunk) throws Exception {
        String task = f.taskWith("  - id: newRelic\n    type: io.kestra.plugin.ee.newrelic.LogExporter\n"
                + "    basePath: " + intake.baseUrl() + "\n    apiKey: \"{{ secret('NEWRELIC_API_KEY') }}\"\n" + exporterChunk);
        return f.runOnce(f.config(task, Map.of("NEWRELIC_API_KEY", API_KEY)));
    }

    private List<String> acceptedIds() {
        return accepted.stream().map(log -> log.path("attributes").path("audit.id").asText()).toList();
    }

    @Test
    void shipsEveryLogOnceInOrderWithItsOwnTimeAndAttributes() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(31).rows(2_300, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);

        Pass pass = ship(f, "");

        assertThat(intake.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        AuditLogRecord first = ShipperFixture.inShippingOrder(rows).get(0);
        assertThat(accepted.get(0).path("timestamp").asLong()).isEqualTo(first.timestamp().toEpochMilli());
        assertThat(JSON.readTree(accepted.get(0).path("message").asText())).isEqualTo(JSON.readTree(first.json()));
        assertThat(accepted.get(0).path("attributes").path("audit.userId").asText()).startsWith("user-");
    }

    @Test
    void payloadsStayUnderOneMegabyteCompressedEvenWhenLogsDoNotCompress() throws Exception {
        DemoAuditLogs demo = new DemoAuditLogs(32);
        Random random = new Random(33);
        List<AuditLogTable.Row> rows = new ArrayList<>();
        for (AuditLogTable.Row row : demo.rows(3_000, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30))) {
            byte[] noise = new byte[1500];
            random.nextBytes(noise);
            String json = row.log().json().replace("\"deleted\":false",
                    "\"deleted\":false,\"revertPatch\":\"" + java.util.Base64.getEncoder().encodeToString(noise) + "\"");
            rows.add(new AuditLogTable.Row(new AuditLogRecord(row.log().id(), row.log().timestamp(), json),
                    row.tenant(), row.namespace(), row.resource()));
        }
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);

        Pass pass = ship(f, "    chunk: 1000\n");

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.violations()).isEmpty();
        assertThat(intake.requests()).allSatisfy(r -> assertThat(r.sentBytes()).isLessThanOrEqualTo(1_000_000));
        assertThat(intake.requests().size()).isGreaterThan(3);
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
    }

    @Test
    void throttlingIsWaitedOutAndAServerErrorRetried() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(34).rows(800, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        AtomicInteger calls = new AtomicInteger();
        intake.respondWith(request -> switch (calls.incrementAndGet()) {
            case 1 -> new Answer(429, Map.of("Retry-After", "1"), "");
            case 2 -> Answer.of(500, "{\"error\":\"internal\"}");
            default -> logApi(request);
        });

        Pass pass = ship(f, "");

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(intake.requests()).hasSize(3);
    }
}
