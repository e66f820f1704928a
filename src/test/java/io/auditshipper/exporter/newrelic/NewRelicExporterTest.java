package io.auditshipper.exporter.newrelic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The New Relic exporter through the pipeline, against an intake that checks the Log API's documented
 * contract ({@link NewRelicIntake}).
 */
class NewRelicExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final NewRelicIntake intake = new NewRelicIntake();
    private final List<JsonNode> accepted = intake.accepted;

    @AfterEach
    void stop() {
        intake.close();
    }

    private Pass ship(ShipperFixture f, String exporterChunk) throws Exception {
        String task = f.taskWith("  - id: newRelic\n    type: io.kestra.plugin.ee.newrelic.LogExporter\n"
                + "    basePath: " + intake.url() + "\n    apiKey: \"{{ secret('NEWRELIC_API_KEY') }}\"\n" + exporterChunk);
        return f.runOnce(f.config(task, Map.of("NEWRELIC_API_KEY", NewRelicIntake.API_KEY)));
    }

    private List<String> acceptedIds() {
        return intake.acceptedIds();
    }

    @Test
    void shipsEveryLogOnceInOrderWithItsOwnTimeAndAttributes() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(31).rows(2_300, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);

        Pass pass = ship(f, "");

        assertThat(intake.http.violations()).isEmpty();
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
        assertThat(intake.http.violations()).isEmpty();
        assertThat(intake.http.requests()).allSatisfy(r -> assertThat(r.sentBytes()).isLessThanOrEqualTo(1_000_000));
        assertThat(intake.http.requests().size()).isGreaterThan(3);
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
    }

    @Test
    void throttlingIsWaitedOutAndAServerErrorRetried() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(34).rows(800, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        AtomicInteger calls = new AtomicInteger();
        // The first 500 comes in the stream shared with the file exporter (one attempt there), the 429 and the second
        // 500 in the exporter's catch-up on its own, where it retries.
        intake.http.respondWith(request -> switch (calls.incrementAndGet()) {
            case 1 -> Answer.of(500, "{\"error\":\"internal\"}");
            case 2 -> new Answer(429, Map.of("Retry-After", "2"), "");
            case 3 -> Answer.of(500, "{\"error\":\"internal\"}");
            default -> intake.logApi(request);
        });

        Pass pass = ship(f, "");

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(intake.http.requests()).hasSize(4);
        // The first 500 came in the stream shared with the file exporter (one attempt there, no wait), then the
        // catch-up after the backoff's first delay (0.05 s plus up to 25% jitter: the 500 asked nothing). In the
        // catch-up, the 429 waited out for the 2 s it asked for (not the backoff's 0.05 s); the 500, which asked
        // nothing, for the backoff's second delay: 0.1 s plus up to 25% jitter.
        assertThat(f.retryWaits.waits()).hasSize(3);
        assertThat(f.retryWaits.waits().get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(63));
        assertThat(f.retryWaits.waits().get(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(f.retryWaits.waits().get(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(125));
    }

    @Test
    void afterA413TheHalvesAreGzippedLikeTheFirstRequestAndAllArrive() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(35).rows(1_000, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        AtomicInteger calls = new AtomicInteger();
        intake.http.respondWith(request -> calls.incrementAndGet() == 1
                ? Answer.of(413, "{\"error\":\"payload too large\"}") : intake.logApi(request));

        Pass pass = ship(f, "");

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.http.violations()).isEmpty();
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(intake.http.requests()).hasSize(3);
        assertThat(dir.resolve("dead-letter/newRelic.ndjson")).doesNotExist();
    }

    @Test
    void aRecordTheIntakeRejectsIsParkedAloneAndItsNeighboursArrive() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(36).rows(1_000, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        String poison = ShipperFixture.idsInShippingOrder(rows).get(613);
        intake.http.respondWith(request -> new String(request.body(), java.nio.charset.StandardCharsets.UTF_8).contains(poison)
                ? Answer.of(400, "{\"error\":\"invalid attribute\"}") : intake.logApi(request));

        Pass pass = ship(f, "");

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.http.violations()).isEmpty();
        List<String> expected = new ArrayList<>(ShipperFixture.idsInShippingOrder(rows));
        expected.remove(poison);
        assertThat(acceptedIds()).containsExactlyElementsOf(expected);
        List<String> parked = java.nio.file.Files.readAllLines(dir.resolve("dead-letter/newRelic.ndjson"));
        assertThat(parked).singleElement().satisfies(line ->
                assertThat(JSON.readTree(line).path("id").asText()).isEqualTo(poison));
    }

    @Test
    void aLogOverWhatNewRelicStoresIsTruncatedWithAMarkerNotParked() throws Exception {
        DemoAuditLogs demo = new DemoAuditLogs(37);
        List<AuditLogTable.Row> rows = new ArrayList<>(demo.rows(10, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60)));
        AuditLogTable.Row big = demo.row(NOW.minusSeconds(40));
        byte[] noise = new byte[1_200_000];
        new Random(38).nextBytes(noise);
        String json = big.log().json().replace("\"deleted\":false", "\"deleted\":false,\"appliedPatch\":\""
                + java.util.Base64.getEncoder().encodeToString(noise) + "\"");
        rows.add(new AuditLogTable.Row(new AuditLogRecord(big.log().id(), big.log().timestamp(), json), "main",
                big.namespace(), big.resource()));
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        Pass pass = ship(f, "");

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.http.violations()).isEmpty();
        assertThat(dir.resolve("dead-letter/newRelic.ndjson")).doesNotExist();
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(accepted).filteredOn(log -> log.path("attributes").path("audit.id").asText().equals(big.log().id()))
                .singleElement().satisfies(log -> assertThat(log.path("message").asText())
                        .startsWith("{\"tenantId\"").endsWith(io.auditshipper.exporter.encoding.Truncation.MARKER));
    }
}
