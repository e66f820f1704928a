package io.auditshipper.exporter.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.logging.type.LogSeverity;
import com.google.logging.v2.LogEntry;
import com.google.protobuf.util.JsonFormat;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
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
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The Cloud Logging exporter (Google's client) through the pipeline, against a real gRPC entries.write server. */
class CloudLoggingExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final FakeCloudLogging logging = new FakeCloudLogging();

    @AfterEach
    void stop() {
        logging.close();
    }

    private Pass ship(ShipperFixture f) throws Exception {
        return f.runOnce(config(f));
    }

    private io.auditshipper.config.ShipperConfig config(ShipperFixture f) {
        return f.config(f.taskWith("  - id: googleOperationalSuite\n"
                + "    type: io.kestra.plugin.ee.gcp.operationalsuite.LogExporter\n    projectId: my-gcp-project\n"
                + "    endpoint: " + logging.endpoint() + "\n"));
    }

    private ShipperFixture fixture(List<AuditLogTable.Row> rows) throws Exception {
        return ShipperFixture.h2With(dir, NOW, rows);
    }

    @Test
    void everyAuditLogIsWrittenOnceWithItsTimeInsertIdAndJsonPayload() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(71).rows(2_600, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = fixture(rows);

        Pass pass = ship(f);

        assertThat(logging.violations).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(logging.requests).hasSize(3);
        assertThat(logging.entries).extracting(LogEntry::getInsertId)
                .containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        AuditLogRecord first = ShipperFixture.inShippingOrder(rows).get(0);
        LogEntry entry = logging.entries.get(0);
        assertThat(Instant.ofEpochSecond(entry.getTimestamp().getSeconds(), entry.getTimestamp().getNanos()))
                .isEqualTo(first.timestamp());
        assertThat(entry.getSeverity()).isEqualTo(LogSeverity.NOTICE);
        JsonNode payload = JSON.readTree(JsonFormat.printer().print(entry.getJsonPayload()));
        JsonNode expected = JSON.readTree(first.json());
        assertThat(payload.path("id").asText()).isEqualTo(expected.path("id").asText());
        assertThat(payload.path("detail").path("namespace").asText()).isEqualTo(expected.path("detail").path("namespace").asText());
    }

    @Test
    void entriesTheApiRejectsAreParkedAndTheRestWrittenAndUnavailableIsRetried() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(72).rows(1_200, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = fixture(rows);
        List<String> ids = ShipperFixture.idsInShippingOrder(rows);
        logging.rejectedIds = Set.of(ids.get(10), ids.get(1_100));
        logging.unavailable.set(2);

        Pass pass;
        double retries;
        try (io.auditshipper.ShipperApp app = new io.auditshipper.ShipperApp(config(f), f.clock)) {
            pass = app.runOnce();
            retries = app.meters().get("kestra.shipper.retries").tag("exporter", "googleOperationalSuite").counter().count();
        }

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(logging.answeredUnavailable).as("the server did answer UNAVAILABLE twice").hasValue(2);
        assertThat(retries).as("the client's two retries, counted").isEqualTo(2);
        List<String> expected = new ArrayList<>(ids);
        expected.removeAll(logging.rejectedIds);
        assertThat(logging.entries).extracting(LogEntry::getInsertId).containsExactlyElementsOf(expected);
        List<String> parked = Files.readAllLines(dir.resolve("dead-letter/googleOperationalSuite.ndjson"));
        assertThat(parked).hasSize(2).allSatisfy(line ->
                assertThat(JSON.readTree(line).path("reason").asText()).contains("INVALID_ARGUMENT").contains("exceeds maximum size"));
        assertThat(parked).extracting(line -> JSON.readTree(line).path("id").asText())
                .containsExactlyInAnyOrderElementsOf(logging.rejectedIds);
    }
}
