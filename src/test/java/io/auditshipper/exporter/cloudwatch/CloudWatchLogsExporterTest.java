package io.auditshipper.exporter.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.ShipperApp;
import io.auditshipper.config.ExporterType;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.encoding.Truncation;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.Blackhole;
import io.auditshipper.support.ExporterCheck;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The CloudWatch Logs exporter (AWS SDK v2) through the pipeline, against a server speaking the CloudWatch Logs API. */
class CloudWatchLogsExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final FakeCloudWatchLogs cloudwatch = new FakeCloudWatchLogs(NOW);

    @AfterEach
    void stop() {
        cloudwatch.close();
    }

    private Pass ship(ShipperFixture f, String extra) throws Exception {
        return f.runOnce(config(f, extra));
    }

    private io.auditshipper.config.ShipperConfig config(ShipperFixture f, String extra) {
        String task = f.taskWith("  - id: awsCloudWatch\n    type: io.kestra.plugin.ee.aws.cloudwatch.LogExporter\n"
                + "    region: us-east-1\n    logGroupName: kestra\n    logStreamName: production\n"
                + "    accessKeyId: " + FakeCloudWatchLogs.ACCESS_KEY + "\n    secretKeyId: \"{{ secret('AWS_SECRET_KEY_ID') }}\"\n"
                + "    endpointOverride: " + cloudwatch.url() + "\n" + extra)
                .replace("chunk: 1000\n", "chunk: 20000\nlookbackPeriod: P30D\n");
        return f.config(task, Map.of("AWS_SECRET_KEY_ID", "aws-secret-key-for-tests"));
    }

    private static double meter(ShipperApp app, String name, String... tags) {
        return app.meters().get(name).tag("exporter", "awsCloudWatch").tags(tags).counter().count();
    }

    private List<String> acceptedIds() {
        return cloudwatch.events.stream().map(event -> {
            try {
                return JSON.readTree(event.path("message").asText()).path("id").asText();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    /**
     * A CloudWatch Logs endpoint whose SYNs are dropped costs the pass's shared stream one connect (the SDK client's
     * 2 s): the SDK does not retry a connection not established while the retry budget gives the exporter one
     * attempt. It did 3 times before (legacy retry mode), each retry counted.
     */
    @Test
    void aBlackholedEndpointCostsTheSharedStreamOneConnect() throws Exception {
        ExporterContext context = ExporterCheck.sharingTheStream("cloudwatch", dir);
        try (Blackhole blackhole = new Blackhole()) {
            LogExporter exporter = CloudWatchLogsExporter.from(ExporterCheck.config("cloudwatch", ExporterType.AWS_CLOUDWATCH,
                    Map.of("region", "eu-west-1", "logGroupName", "kestra", "logStreamName", "audit", "accessKeyId", "AKIAEXAMPLE",
                            "secretKeyId", "secret", "endpointOverride", "http://127.0.0.1:" + blackhole.port()), Map.of()), context);

            // A guard against a hang, not a measure: the outcome is read below.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> exporter.ship(ExporterCheck.tenLogs(63, NOW)))
                    .hasMessageContaining("Connect timed out"));
            assertThat(context.retries("cloudwatch").count()).as("retries by the SDK").isZero();
        }
    }

    @Test
    void shipsWithinEveryPutLogEventsLimitAndDeadLettersWhatTheServiceWouldRejectAsTooOld() throws Exception {
        DemoAuditLogs demo = new DemoAuditLogs(61);
        List<AuditLogTable.Row> tooOld = demo.rows(20, NOW.minus(Duration.ofDays(16)), NOW.minus(Duration.ofDays(15)));
        List<AuditLogTable.Row> recent = demo.rows(14_000, NOW.minus(Duration.ofDays(3)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(tooOld);
        f.insert(recent);

        Pass pass = ship(f, "");

        assertThat(cloudwatch.http.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(cloudwatch.groups).containsExactly("kestra");
        assertThat(cloudwatch.streams).containsExactly("kestra/production");
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(recent));
        AuditLogRecord first = ShipperFixture.inShippingOrder(recent).get(0);
        assertThat(cloudwatch.events.get(0).path("timestamp").asLong()).isEqualTo(first.timestamp().toEpochMilli());
        assertThat(Files.readAllLines(dir.resolve("dead-letter/awsCloudWatch.ndjson"))).hasSize(20)
                .allSatisfy(line -> assertThat(JSON.readTree(line).path("reason").asText())
                        .contains("CloudWatch Logs drops logs dated more than 14 days in the past"));
        assertThat(cloudwatch.rejected).as("nothing sent that the service leaves out").isEmpty();
        long puts = cloudwatch.http.requests().stream()
                .filter(r -> "Logs_20140328.PutLogEvents".equals(r.header("X-Amz-Target"))).count();
        assertThat(puts).as("several calls: the bytes and the 24 hours limit cut them").isGreaterThanOrEqualTo(6);
    }

    @Test
    void anEventOverTheLimitIsTruncatedWithAMarkerAndThrottlingIsRetried() throws Exception {
        DemoAuditLogs demo = new DemoAuditLogs(62);
        List<AuditLogTable.Row> rows = new ArrayList<>(demo.rows(30, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60)));
        AuditLogTable.Row big = demo.row(NOW.minusSeconds(90));
        // 1.2 MB: over the 1 MB AWS documents per event (it was 256 KB until 2025).
        String json = big.log().json().replace("\"deleted\":false", "\"deleted\":false,\"appliedPatch\":\"" + "é".repeat(600_000) + "\"");
        rows.add(new AuditLogTable.Row(new AuditLogRecord(big.log().id(), big.log().timestamp(), json), "main", big.namespace(), big.resource()));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        cloudwatch.throttle = 2;

        Pass pass;
        double retries;
        try (ShipperApp app = new ShipperApp(config(f, ""), f.clock)) {
            pass = app.runOnce();
            retries = meter(app, "kestra.shipper.retries");
        }

        assertThat(cloudwatch.http.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(cloudwatch.throttled).as("the service did answer ThrottlingException twice").hasValue(2);
        assertThat(retries).as("the throttled put sent again, twice, and counted").isEqualTo(2);
        assertThat(cloudwatch.events).hasSize(31);
        JsonNode cut = cloudwatch.events.stream().filter(e -> e.path("message").asText().endsWith(Truncation.MARKER))
                .findFirst().orElseThrow();
        assertThat(cut.path("message").asText().getBytes(StandardCharsets.UTF_8).length + 26)
                .isLessThanOrEqualTo(1_048_576).isGreaterThan(1_000_000);
        assertThat(cut.path("message").asText()).startsWith("{\"tenantId\":\"main\",\"id\":\"" + big.log().id());
    }

    @Test
    void eventsTheServiceStillRejectsInRejectedLogEventsInfoAreDeadLetteredWithTheReasonNotCountedShipped() throws Exception {
        // The group keeps 7 days, and the service's clock is 3 hours behind the shipper's: both windows are narrower
        // than the shipper can know, and the service says so only in rejectedLogEventsInfo of a successful answer.
        cloudwatch.retention = Duration.ofDays(7);
        cloudwatch.now = NOW.minus(Duration.ofHours(3));
        DemoAuditLogs demo = new DemoAuditLogs(67);
        List<AuditLogTable.Row> expired = demo.rows(5, NOW.minus(Duration.ofDays(9)), NOW.minus(Duration.ofDays(8)));
        List<AuditLogTable.Row> kept = demo.rows(50, NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofHours(4)));
        List<AuditLogTable.Row> tooNew = demo.rows(5, NOW.minus(Duration.ofMinutes(50)), NOW.minus(Duration.ofMinutes(40)));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(expired);
        f.insert(kept);
        f.insert(tooNew);

        try (ShipperApp app = new ShipperApp(config(f, ""), f.clock)) {
            Pass pass = app.runOnce();

            assertThat(cloudwatch.http.violations()).isEmpty();
            assertThat(pass.allSucceeded()).isTrue();
            assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(kept));
            assertThat(cloudwatch.rejected).hasSize(10);
            Map<String, String> parked = new java.util.HashMap<>();
            for (String line : Files.readAllLines(dir.resolve("dead-letter/awsCloudWatch.ndjson"))) {
                parked.put(JSON.readTree(line).path("id").asText(), JSON.readTree(line).path("reason").asText());
            }
            assertThat(parked).hasSize(10);
            ShipperFixture.idsInShippingOrder(expired).forEach(id -> assertThat(parked.get(id)).contains("expired"));
            ShipperFixture.idsInShippingOrder(tooNew).forEach(id -> assertThat(parked.get(id)).contains("too new"));
            assertThat(meter(app, "kestra.shipper.outside.window.logs", "action", "dead_lettered")).isEqualTo(10);
            assertThat(meter(app, "kestra.shipper.dead.lettered.logs")).isEqualTo(10);
        }
    }

    @Test
    void withRewriteTimestampEventsOutsideTheWindowArePutAtTheShippingTimeInTimeOrderTheirMessageUnchanged() throws Exception {
        DemoAuditLogs demo = new DemoAuditLogs(68);
        List<AuditLogTable.Row> old = demo.rows(20, NOW.minus(Duration.ofDays(16)), NOW.minus(Duration.ofDays(15)));
        List<AuditLogTable.Row> recent = demo.rows(100, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(old);
        f.insert(recent);

        try (ShipperApp app = new ShipperApp(config(f, "    outsideWindow: REWRITE_TIMESTAMP\n"), f.clock)) {
            Pass pass = app.runOnce();

            assertThat(cloudwatch.http.violations()).isEmpty();
            assertThat(pass.allSucceeded()).isTrue();
            assertThat(cloudwatch.rejected).isEmpty();
            List<String> expected = new ArrayList<>(ShipperFixture.idsInShippingOrder(recent));
            expected.addAll(ShipperFixture.idsInShippingOrder(old));
            assertThat(acceptedIds()).as("stamped now, so after the recent ones").containsExactlyElementsOf(expected);
            List<AuditLogRecord> oldLogs = ShipperFixture.inShippingOrder(old);
            for (int i = 0; i < 20; i++) {
                JsonNode event = cloudwatch.events.get(100 + i);
                assertThat(event.path("timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
                assertThat(event.path("message").asText()).isEqualTo(oldLogs.get(i).json());
            }
            assertThat(meter(app, "kestra.shipper.outside.window.logs", "action", "timestamp_rewritten")).isEqualTo(20);
            assertThat(dir.resolve("dead-letter/awsCloudWatch.ndjson")).doesNotExist();
        }
    }

    @Test
    void aMissingGroupIsAClearFailureWhenCreatingIsTurnedOff() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(new DemoAuditLogs(63).rows(10, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60)));

        Pass pass = ship(f, "    createMissing: false\n");

        assertThat(pass.failures()).containsOnlyKeys("awsCloudWatch");
        assertThat(pass.failures().get("awsCloudWatch")).contains("log group 'kestra' or stream 'production' does not exist")
                .doesNotContain("aws-secret-key-for-tests");
        assertThat(f.shippedIds("file")).hasSize(10);
    }

    private long calls(String operation) {
        return cloudwatch.http.requests().stream().filter(r -> ("Logs_20140328." + operation).equals(r.header("X-Amz-Target"))).count();
    }

    @Test
    void shipsUnderAPolicyGrantingOnlyPutLogEventsWhenTheGroupAndStreamExist() throws Exception {
        cloudwatch.groups.add("kestra");
        cloudwatch.streams.add("kestra/production");
        cloudwatch.deny.addAll(List.of("CreateLogGroup", "CreateLogStream"));
        List<AuditLogTable.Row> rows = new DemoAuditLogs(64).rows(500, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60));
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        Pass pass = ship(f, "");

        assertThat(cloudwatch.http.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(calls("CreateLogGroup") + calls("CreateLogStream")).as("nothing to create").isZero();
    }

    @Test
    void aMissingStreamIsCreatedOnResourceNotFoundAndThePutRetried() throws Exception {
        cloudwatch.groups.add("kestra");
        cloudwatch.deny.add("CreateLogGroup");
        List<AuditLogTable.Row> rows = new DemoAuditLogs(65).rows(300, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60));
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        Pass pass = ship(f, "");

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(cloudwatch.streams).containsExactly("kestra/production");
        assertThat(acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(calls("CreateLogStream")).isEqualTo(1);
    }

    @Test
    void aMissingGroupThatThePolicyDoesNotLetItCreateFailsNamingTheActionAndKeepsTheOffset() throws Exception {
        cloudwatch.deny.add("CreateLogGroup");
        List<AuditLogTable.Row> rows = new DemoAuditLogs(66).rows(10, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60));
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        Pass pass = ship(f, "");

        assertThat(pass.failures()).containsOnlyKeys("awsCloudWatch");
        assertThat(pass.failures().get("awsCloudWatch")).contains("logs:CreateLogGroup").contains("'kestra'");
        assertThat(pass.order().compare(pass.offsetOf("awsCloudWatch"), ShipperFixture.inShippingOrder(rows).get(0).offset())).as("offset before the first log").isNegative();
        assertThat(pass.offsetOf("file")).isEqualTo(ShipperFixture.inShippingOrder(rows).get(9).offset());
        assertThat(cloudwatch.events).isEmpty();
    }
}
