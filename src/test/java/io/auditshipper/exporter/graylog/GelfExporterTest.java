package io.auditshipper.exporter.graylog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.encoding.Truncation;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Graylog GELF exporter through the whole pipeline, against a GELF HTTP input that checks Graylog's documented contract. */
class GelfExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final GraylogGelfInput input = new GraylogGelfInput();

    @AfterEach
    void stop() {
        input.server.close();
    }

    private Pass ship(ShipperFixture f, String extra) throws Exception {
        return f.runOnce(f.config(f.taskWith("  - id: graylog\n    type: io.kestra.plugin.ee.graylog.LogExporter\n"
                + "    endpoint: " + input.server.baseUrl() + "\n" + extra)));
    }

    private static List<AuditLogTable.Row> rows(int count, long seed) {
        return new DemoAuditLogs(seed).rows(count, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
    }

    @Test
    void postsOneGelfMessagePerRequestAsGraylogDocumentsWithTheAuditFieldsFlattened() throws Exception {
        List<AuditLogTable.Row> rows = rows(300, 61);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        Pass pass = ship(f, "");

        assertThat(input.server.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(input.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(input.server.requests()).hasSize(300)
                .allSatisfy(r -> assertThat(r.header("Content-Encoding")).isEqualTo("gzip"));
        List<AuditLogRecord> logs = ShipperFixture.inShippingOrder(rows);
        for (int i = 0; i < logs.size(); i++) {
            JsonNode message = input.accepted.get(i);
            JsonNode log = JSON.readTree(logs.get(i).json());
            assertThat(message.path("host").asText()).isEqualTo("Kestra");
            assertThat(message.has("_id")).isFalse();
            assertThat(message.path("timestamp").decimalValue())
                    .isEqualByComparingTo(BigDecimal.valueOf(logs.get(i).timestamp().toEpochMilli(), 3));
            assertThat(message.path("_type").asText()).isEqualTo(log.path("type").asText());
            assertThat(message.path("_detail_namespace").asText()).isEqualTo(log.path("detail").path("namespace").asText());
            assertThat(message.path("_detail_type").asText()).isEqualTo(log.path("detail").path("type").asText());
            assertThat(message.path("short_message").asText()).startsWith(log.path("type").asText() + " ");
            if (log.path("detail").has("revision")) {
                assertThat(message.path("_detail_revision").isInt()).isTrue();
            }
        }
    }

    @Test
    void withBulkReceivingMessagesGoNewlineDelimitedWithinTheInputsChunkSize() throws Exception {
        List<AuditLogTable.Row> rows = rows(2_500, 62);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        input.bulkReceiving = true;

        Pass pass = ship(f, "    bulk: true\n    graylogHost: kestra-prod\n");

        assertThat(input.server.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(input.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(input.accepted).allSatisfy(m -> assertThat(m.path("host").asText()).isEqualTo("kestra-prod"));
        assertThat(input.server.requests()).allSatisfy(r -> assertThat(r.body().length).isLessThanOrEqualTo(65_536));
        // Filled up front: as few requests as 64 KB each allow, not one per message.
        long bytes = input.server.requests().stream().mapToLong(r -> r.body().length).sum();
        assertThat(input.server.requests()).hasSizeLessThanOrEqualTo((int) (bytes / 60_000) + 3);
    }

    @Test
    void aFieldOverWhatGraylogCanIndexIsCutWithAMarkerAndTheMessageStillFits() throws Exception {
        DemoAuditLogs demo = new DemoAuditLogs(63);
        List<AuditLogTable.Row> rows = new ArrayList<>(rows(5, 64));
        AuditLogTable.Row big = demo.row(NOW.minusSeconds(40));
        String json = big.log().json().replace("\"deleted\":false", "\"deleted\":false,\"appliedPatch\":[{\"op\":\"add\",\"value\":\""
                + "x".repeat(200_000) + "\"}]");
        rows.add(new AuditLogTable.Row(new AuditLogRecord(big.log().id(), big.log().timestamp(), json), "main", big.namespace(), big.resource()));
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        Pass pass = ship(f, "");

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(input.server.violations()).isEmpty();
        assertThat(input.accepted).hasSize(6).anySatisfy(m -> assertThat(m.path("_appliedPatch").asText())
                .startsWith("[{\"op\":\"add\"").endsWith(Truncation.MARKER));
    }

    @Test
    void aMessageGraylogRefusesIsParkedAndItsNeighboursArrive() throws Exception {
        List<AuditLogTable.Row> rows = rows(120, 65);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        String poison = ShipperFixture.idsInShippingOrder(rows).get(70);
        input.server.respondWith(r -> new String(r.body()).contains(poison) ? Answer.of(400, "") : input.input(r));

        Pass pass = ship(f, "");

        assertThat(pass.allSucceeded()).isTrue();
        List<String> expected = new ArrayList<>(ShipperFixture.idsInShippingOrder(rows));
        expected.remove(poison);
        assertThat(input.acceptedIds()).containsExactlyElementsOf(expected);
        assertThat(Files.readAllLines(dir.resolve("dead-letter/graylog.ndjson"))).singleElement()
                .satisfies(line -> assertThat(JSON.readTree(line).path("id").asText()).isEqualTo(poison));
    }

    @Test
    void aWrongEndpointStopsTheExporterAtOnceNamingItAndTheFileExporterShips() throws Exception {
        List<AuditLogTable.Row> rows = rows(60, 66);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        input.server.respondWith(r -> r.path().equals("/gelf") ? input.input(r) : Answer.of(404, "Not Found"));
        Pass wrong = f.runOnce(f.config(f.taskWith("  - id: graylog\n    type: io.kestra.plugin.ee.graylog.LogExporter\n"
                + "    endpoint: " + input.server.baseUrl() + "/api/gelf\n")));
        assertThat(wrong.failures()).containsOnlyKeys("graylog");
        assertThat(wrong.failures().get("graylog")).contains("404").contains("`endpoint`");
        assertThat(input.server.requests()).hasSize(1);
        assertThat(f.shippedIds("file")).hasSize(60);
        assertThat(dir.resolve("dead-letter/graylog.ndjson")).doesNotExist();

        Pass right = ship(f, "");
        assertThat(right.allSucceeded()).isTrue();
        assertThat(input.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
    }
}
