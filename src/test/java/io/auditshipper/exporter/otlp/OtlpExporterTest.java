package io.auditshipper.exporter.otlp;

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
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OTLP exporter through the pipeline, against a collector that decodes every request with the
 * official opentelemetry-proto classes ({@link OtlpCollector}).
 */
class OtlpExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final OtlpCollector otlp = new OtlpCollector();
    private final List<LogRecord> accepted = otlp.accepted;
    private final List<ExportLogsServiceRequest> received = otlp.received;
    private final FakeHttpIntake collector = otlp.http;

    @AfterEach
    void stop() {
        otlp.close();
    }

    private Answer collect(Request request) {
        return otlp.collect(request);
    }

    private Answer collect(Request request, ExportLogsServiceResponse response) {
        return otlp.collect(request, response);
    }

    private Pass ship(ShipperFixture f, String token) throws Exception {
        return ship(f, token, "");
    }

    private Pass ship(ShipperFixture f, String token, String extra) throws Exception {
        String task = f.taskWith("  - id: openTelemetry\n    type: io.kestra.plugin.ee.opentelemetry.LogExporter\n"
                + "    otlpEndpoint: " + collector.baseUrl() + "/v1/logs\n    authorizationHeaderName: Authorization\n"
                + "    authorizationHeaderValue: \"Bearer {{ secret('OTEL_TOKEN') }}\"\n" + extra);
        return f.runOnce(f.config(task, Map.of("OTEL_TOKEN", token)));
    }

    private static String attribute(LogRecord log, String key) {
        return OtlpCollector.attribute(log, key);
    }

    private ShipperFixture fixture(int count, long seed) throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(new DemoAuditLogs(seed).rows(count, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30)));
        return f;
    }

    @Test
    void everyAuditLogArrivesOnceAsALogRecordWithItsOwnTimeBodyAndAttributes() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(41).rows(2_100, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);

        Pass pass = ship(f, OtlpCollector.TOKEN);

        assertThat(collector.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(received).hasSizeGreaterThanOrEqualTo(3);
        assertThat(accepted).extracting(log -> attribute(log, "kestra.audit.id"))
                .containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        AuditLogRecord first = ShipperFixture.inShippingOrder(rows).get(0);
        LogRecord log = accepted.get(0);
        Instant time = Instant.ofEpochSecond(0, log.getTimeUnixNano());
        assertThat(time).isEqualTo(first.timestamp());
        JsonNode body = JSON.readTree(log.getBody().getStringValue());
        assertThat(body).isEqualTo(JSON.readTree(first.json()));
        assertThat(attribute(log, "kestra.audit.user_id")).isEqualTo(body.path("userId").asText());
        assertThat(attribute(log, "kestra.audit.detail.namespace")).isEqualTo(body.path("detail").path("namespace").asText());
    }

    @Test
    void aPartialSuccessIsNotRetriedAndItsRecordsAreParkedWithTheCollectorsMessage() throws Exception {
        ShipperFixture f = fixture(1_500, 42);
        AtomicInteger calls = new AtomicInteger();
        ExportLogsServiceResponse partial = ExportLogsServiceResponse.newBuilder().setPartialSuccess(
                ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(3).setErrorMessage("3 records too old")).build();
        collector.respondWith(request -> calls.incrementAndGet() == 2 ? collect(request, partial) : collect(request));

        Pass pass = ship(f, OtlpCollector.TOKEN);

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(collector.requests()).hasSize(2);
        List<String> parked = Files.readAllLines(dir.resolve("dead-letter/openTelemetry.ndjson"));
        assertThat(parked).hasSize(500).allSatisfy(line -> assertThat(JSON.readTree(line).path("reason").asText())
                .contains("rejected 3 of these 500").contains("3 records too old"));
    }

    @Test
    void anOverloadedCollectorIsRetriedAfterRetryAfterAndABadTokenFailsWithoutShowingIt() throws Exception {
        ShipperFixture f = fixture(700, 43);
        AtomicInteger calls = new AtomicInteger();
        // The first 503 comes in the stream shared with the file exporter (one attempt there, no wait), the second in
        // the exporter's catch-up on its own, where it retries.
        collector.respondWith(request -> calls.incrementAndGet() <= 2
                ? new Answer(503, Map.of("Retry-After", "2"), "") : collect(request));

        Pass pass = ship(f, OtlpCollector.TOKEN);

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(accepted).hasSize(700);
        assertThat(collector.requests()).hasSize(3);
        // Both 503s waited out for the 2 s they asked for, not the backoff's 0.05 s: the shared stream's before the
        // catch-up, the catch-up's before its retry.
        assertThat(f.retryWaits.waits()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));

        ShipperFixture other = new ShipperFixture("h2", dir.resolve("second"), NOW);
        other.insert(new DemoAuditLogs(44).rows(10, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30)));
        Pass rejected = ship(other, "not-the-token-xyz");
        assertThat(rejected.failures()).containsOnlyKeys("openTelemetry");
        assertThat(rejected.failures().get("openTelemetry")).contains("401").doesNotContain("not-the-token-xyz");
    }

    @Test
    void otlpJsonCarriesTheSameLogRecordsAndItsPartialSuccessIsParked() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(45).rows(1_200, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        AtomicInteger calls = new AtomicInteger();
        ExportLogsServiceResponse partial = ExportLogsServiceResponse.newBuilder().setPartialSuccess(
                ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(1).setErrorMessage("one attribute too long")).build();
        collector.respondWith(request -> calls.incrementAndGet() == 2 ? collect(request, partial) : collect(request));

        Pass pass = ship(f, OtlpCollector.TOKEN, "    encoding: json\n");

        assertThat(collector.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(accepted).extracting(log -> attribute(log, "kestra.audit.id"))
                .containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(Instant.ofEpochSecond(0, accepted.get(0).getTimeUnixNano()))
                .isEqualTo(ShipperFixture.inShippingOrder(rows).get(0).timestamp());
        assertThat(Files.readAllLines(dir.resolve("dead-letter/openTelemetry.ndjson"))).hasSize(200)
                .allSatisfy(line -> assertThat(JSON.readTree(line).path("reason").asText()).contains("one attribute too long"));
    }
}
