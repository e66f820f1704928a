package io.auditshipper.exporter.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.ShipperApp;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The Datadog exporter through the whole pipeline, against an intake that checks Datadog's documented contract. */
class DatadogExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final DatadogIntake intake = new DatadogIntake(NOW);

    @AfterEach
    void stop() {
        intake.server.close();
    }

    private String task(ShipperFixture f) {
        return f.taskWith("  - id: datadog\n    type: io.kestra.plugin.ee.datadog.LogExporter\n"
                + "    basePath: " + intake.server.baseUrl() + "\n    apiKey: \"{{ secret('DATADOG_API_KEY') }}\"\n"
                + "    ddtags: env:test\n");
    }

    private Pass ship(ShipperFixture f, String apiKey) throws Exception {
        return f.runOnce(f.config(task(f), Map.of("DATADOG_API_KEY", apiKey)));
    }

    private ShipperFixture fixture(List<AuditLogTable.Row> rows) throws Exception {
        return ShipperFixture.h2With(dir, NOW, rows);
    }

    private static List<AuditLogTable.Row> rows(int count, long seed) {
        return new DemoAuditLogs(seed).rows(count, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
    }

    @Test
    void shipsTheBacklogInRequestsOfAtMost1000EntriesOnceAndInOrder() throws Exception {
        List<AuditLogTable.Row> rows = rows(2_500, 21);
        ShipperFixture f = fixture(rows);

        Pass pass = ship(f, DatadogIntake.API_KEY);

        assertThat(intake.server.violations()).isEmpty();
        assertThat(intake.dropped).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.server.requests()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        List<AuditLogRecord> logs = ShipperFixture.inShippingOrder(rows);
        JsonNode first = intake.accepted.get(0);
        assertThat(JSON.readTree(first.path("message").asText())).isEqualTo(JSON.readTree(logs.get(0).json()));
        assertThat(first.path("date").asText()).isEqualTo(logs.get(0).timestamp().toString());
        assertThat(first.path("ddtags").asText()).isEqualTo("env:test");
        assertThat(first.path("ddsource").asText()).isEqualTo("kestra");
    }

    @Test
    void aThrottledIntakeIsRetriedHonouringRetryAfter() throws Exception {
        List<AuditLogTable.Row> rows = rows(1_500, 22);
        ShipperFixture f = fixture(rows);
        AtomicInteger calls = new AtomicInteger();
        // The first 429 comes in the stream shared with the file exporter (one attempt there, no wait; its Retry-After
        // is waited before the catch-up); the next two in the exporter's catch-up on its own, where it retries:
        // Retry-After in seconds, then as an HTTP date one second after the shipper's clock (NOW).
        intake.server.respondWith(request -> switch (calls.incrementAndGet()) {
            case 1 -> new Answer(429, Map.of("Retry-After", "1"), "{\"errors\":[\"Too many requests\"]}");
            case 2 -> new Answer(429, Map.of("Retry-After", "2"), "{\"errors\":[\"Too many requests\"]}");
            case 3 -> new Answer(429, Map.of("Retry-After", "Fri, 20 Nov 2026 12:00:01 GMT"), "{\"errors\":[\"Too many requests\"]}");
            default -> intake.intake(request);
        });

        Pass pass = ship(f, DatadogIntake.API_KEY);

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.server.violations()).isEmpty();
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(intake.server.requests()).hasSize(3 + 2);
        // The waits the intake asked for, not the backoff's 0.05 s before the catch-up, then 0.05 s and 0.1 s.
        assertThat(f.retryWaits.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1));
    }

    @Test
    void anIntakeDownLagsAloneAndCatchesUpWithoutDuplicatesOnceItRecovers() throws Exception {
        List<AuditLogTable.Row> rows = rows(2_200, 23);
        ShipperFixture f = fixture(rows);
        intake.server.respondWith(request -> Answer.of(503, "{\"errors\":[\"Service Unavailable\"]}"));

        Pass down = ship(f, DatadogIntake.API_KEY);

        assertThat(down.failures()).containsOnlyKeys("datadog");
        assertThat(down.failures().get("datadog")).contains("503").contains("gave up after 4 attempts");
        assertThat(f.shippedIds("file")).hasSize(2_200);
        assertThat(intake.accepted).isEmpty();

        intake.server.respondWith(intake::intake);
        Pass recovered = ship(f, DatadogIntake.API_KEY);

        assertThat(recovered.allSucceeded()).isTrue();
        assertThat(recovered.shipped("file")).isZero();
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
    }

    @Test
    void aRecordTheIntakeRejectsIsParkedWithTheReasonAndItsNeighboursArrive() throws Exception {
        List<AuditLogTable.Row> rows = rows(900, 24);
        ShipperFixture f = fixture(rows);
        String poison = ShipperFixture.idsInShippingOrder(rows).get(417);
        intake.server.respondWith(request -> new String(request.body()).contains(poison)
                ? Answer.of(400, "{\"errors\":[\"invalid attribute\"]}") : intake.intake(request));

        Pass pass = ship(f, DatadogIntake.API_KEY);

        assertThat(pass.allSucceeded()).isTrue();
        List<String> expected = new ArrayList<>(ShipperFixture.idsInShippingOrder(rows));
        expected.remove(poison);
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(expected);
        List<String> parked = Files.readAllLines(dir.resolve("dead-letter/datadog.ndjson"));
        assertThat(parked).singleElement().satisfies(line -> {
            JsonNode entry = JSON.readTree(line);
            assertThat(entry.path("id").asText()).isEqualTo(poison);
            assertThat(entry.path("reason").asText()).contains("HTTP 400").contains("invalid attribute");
            assertThat(JSON.readTree(entry.path("record").asText()).path("id").asText()).isEqualTo(poison);
        });
    }

    @Test
    void aLogOverOneMegabyteIsTruncatedWithAMarkerNotDropped() throws Exception {
        DemoAuditLogs demo = new DemoAuditLogs(25);
        List<AuditLogTable.Row> rows = new ArrayList<>(rows(10, 26));
        AuditLogTable.Row big = demo.row(NOW.minusSeconds(40));
        String json = big.log().json().replace("\"deleted\":false", "\"deleted\":false,\"appliedPatch\":\"" + "x".repeat(1_500_000) + "\"");
        rows.add(new AuditLogTable.Row(new AuditLogRecord(big.log().id(), big.log().timestamp(), json), "main", big.namespace(), big.resource()));
        ShipperFixture f = fixture(rows);

        Pass pass = ship(f, DatadogIntake.API_KEY);

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.server.violations()).isEmpty();
        assertThat(intake.accepted).hasSize(11).anySatisfy(entry ->
                assertThat(entry.path("message").asText()).startsWith("{\"tenantId\"").endsWith(io.auditshipper.exporter.encoding.Truncation.MARKER));
    }

    /** 20 logs 19 to 20 hours old (Datadog would answer 202 and drop them), 2 at 17h50 (inside, but too close to the edge), 100 recent. */
    private static List<AuditLogTable.Row> someOutsideTheWindow(long seed) {
        DemoAuditLogs demo = new DemoAuditLogs(seed);
        List<AuditLogTable.Row> rows = new ArrayList<>(demo.rows(20, NOW.minus(Duration.ofHours(20)), NOW.minus(Duration.ofHours(19))));
        rows.add(demo.row(NOW.minus(Duration.ofHours(17).plusMinutes(50))));
        rows.add(demo.row(NOW.minus(Duration.ofHours(17).plusMinutes(50)).plusSeconds(1)));
        rows.addAll(demo.rows(100, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30)));
        return rows;
    }

    private static double outsideWindow(ShipperApp app, String action) {
        return app.meters().get("kestra.shipper.outside.window.logs").tag("exporter", "datadog").tag("action", action)
                .counter().count();
    }

    @Test
    void logsOlderThanDatadogKeepsAreDeadLetteredWithTheReasonNotShippedToBeDropped() throws Exception {
        List<AuditLogTable.Row> rows = someOutsideTheWindow(30);
        ShipperFixture f = fixture(rows);
        List<String> ids = ShipperFixture.idsInShippingOrder(rows);

        try (ShipperApp app = new ShipperApp(f.config(task(f), Map.of("DATADOG_API_KEY", DatadogIntake.API_KEY)), f.clock)) {
            Pass pass = app.runOnce();

            assertThat(pass.allSucceeded()).isTrue();
            assertThat(intake.dropped).as("nothing sent that Datadog drops").isEmpty();
            assertThat(intake.acceptedIds()).containsExactlyElementsOf(ids.subList(22, 122));
            List<String> parked = Files.readAllLines(dir.resolve("dead-letter/datadog.ndjson"));
            assertThat(parked.stream().map(ShipperFixture::idOf).toList()).containsExactlyElementsOf(ids.subList(0, 22));
            assertThat(parked).allSatisfy(line -> assertThat(JSON.readTree(line).path("reason").asText())
                    .contains("Datadog drops logs dated more than 18 hours in the past"));
            assertThat(outsideWindow(app, "dead_lettered")).isEqualTo(22);
            assertThat(outsideWindow(app, "timestamp_rewritten")).isZero();
            assertThat(app.meters().get("kestra.shipper.dead.lettered.logs").tag("exporter", "datadog").counter().count())
                    .isEqualTo(22);
        }
    }

    @Test
    void withRewriteTimestampLogsOutsideTheWindowAreShippedAtTheShippingTimeKeepingTheirDateAsOriginalDate() throws Exception {
        List<AuditLogTable.Row> rows = someOutsideTheWindow(31);
        ShipperFixture f = fixture(rows);
        List<AuditLogRecord> logs = ShipperFixture.inShippingOrder(rows);
        String task = task(f).replace("    ddtags: env:test\n", "    ddtags: env:test\n    outsideWindow: REWRITE_TIMESTAMP\n");

        try (ShipperApp app = new ShipperApp(f.config(task, Map.of("DATADOG_API_KEY", DatadogIntake.API_KEY)), f.clock)) {
            Pass pass = app.runOnce();

            assertThat(pass.allSucceeded()).isTrue();
            assertThat(intake.dropped).as("nothing sent that Datadog drops").isEmpty();
            assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            for (int i = 0; i < logs.size(); i++) {
                JsonNode entry = intake.accepted.get(i);
                if (i < 22) {
                    assertThat(entry.path("date").asText()).isEqualTo(NOW.toString());
                    assertThat(entry.path("original_date").asText()).isEqualTo(logs.get(i).timestamp().toString());
                } else {
                    assertThat(entry.path("date").asText()).isEqualTo(logs.get(i).timestamp().toString());
                    assertThat(entry.has("original_date")).isFalse();
                }
                assertThat(JSON.readTree(entry.path("message").asText())).isEqualTo(JSON.readTree(logs.get(i).json()));
            }
            assertThat(outsideWindow(app, "timestamp_rewritten")).isEqualTo(22);
            assertThat(outsideWindow(app, "dead_lettered")).isZero();
            assertThat(dir.resolve("dead-letter/datadog.ndjson")).doesNotExist();
        }
    }

    @Test
    void aRejectedApiKeyFailsTheExporterWithoutShowingTheKey() throws Exception {
        ShipperFixture f = fixture(rows(50, 27));

        Pass pass = ship(f, "wrong-key-abcdef");

        assertThat(pass.failures()).containsOnlyKeys("datadog");
        assertThat(pass.failures().get("datadog")).contains("403").contains("API key").doesNotContain("wrong-key-abcdef");
        assertThat(intake.server.requests()).hasSize(1);
    }

    @Test
    void aBatchOverFiveMegabytesIsPackedUpFrontIntoAsFewRequestsAsTheLimitsAllow() throws Exception {
        // 995 small logs, then 5 of about 1 MB each (Datadog's limit per log): 5.9 MB, over the 5 MB per request.
        DemoAuditLogs demo = new DemoAuditLogs(28);
        List<AuditLogTable.Row> rows = new ArrayList<>(rows(995, 29));
        for (int i = 0; i < 5; i++) {
            AuditLogTable.Row big = demo.row(NOW.minusSeconds(20 - i));
            String json = big.log().json().replace("\"deleted\":false", "\"deleted\":false,\"appliedPatch\":\""
                    + "x".repeat(1_100_000) + "\"");
            rows.add(new AuditLogTable.Row(new AuditLogRecord(big.log().id(), big.log().timestamp(), json), "main",
                    big.namespace(), big.resource()));
        }
        ShipperFixture f = fixture(rows);

        Pass pass = ship(f, DatadogIntake.API_KEY);

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.server.violations()).isEmpty();
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        // Filled to the 5 MB before sending: 995 small and 4 large, then the last one. Halving sent 7 or more.
        assertThat(intake.server.requests()).hasSize(2)
                .allSatisfy(r -> assertThat(r.body().length).isLessThanOrEqualTo(5 * 1024 * 1024));
    }
}
