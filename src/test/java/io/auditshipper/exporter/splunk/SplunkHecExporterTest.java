package io.auditshipper.exporter.splunk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.ShipperApp;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The Splunk HEC exporter through the whole pipeline, against an intake that checks HEC's documented contract. */
class SplunkHecExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final SplunkHecIntake intake = new SplunkHecIntake();

    @AfterEach
    void stop() {
        intake.server.close();
    }

    private String task(ShipperFixture f, String extra) {
        return f.taskWith("  - id: splunk\n    type: io.kestra.plugin.ee.splunk.LogExporter\n"
                + "    host: " + intake.server.baseUrl() + "\n    token: \"{{ secret('SPLUNK_HEC_TOKEN') }}\"\n" + extra);
    }

    private Pass ship(ShipperFixture f, String token, String extra) throws Exception {
        return f.runOnce(f.config(task(f, extra), Map.of("SPLUNK_HEC_TOKEN", token)));
    }

    private static List<AuditLogTable.Row> rows(int count, long seed) {
        return new DemoAuditLogs(seed).rows(count, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
    }

    /** The ids of {@code rows} in shipping order, twice over: a batch Splunk took, unacknowledged, then took again. */
    private static List<String> twice(List<AuditLogTable.Row> rows) {
        List<String> twice = new ArrayList<>(ShipperFixture.idsInShippingOrder(rows));
        twice.addAll(ShipperFixture.idsInShippingOrder(rows));
        return twice;
    }

    @Test
    void shipsEveryLogOnceInHecEnvelopesGzippedAtMostChunkEventsPerRequest() throws Exception {
        List<AuditLogTable.Row> rows = rows(2_500, 41);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        Pass pass = ship(f, SplunkHecIntake.TOKEN, "    index: kestra_audit\n    sourcetype: kestra:audit\n    hostField: shipper-1\n");

        assertThat(intake.server.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(intake.server.requests()).hasSize(3).allSatisfy(r -> {
            assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(r.sentBytes()).isLessThan(r.body().length);
        });
        List<AuditLogRecord> logs = ShipperFixture.inShippingOrder(rows);
        for (int i = 0; i < logs.size(); i++) {
            JsonNode event = intake.accepted.get(i);
            AuditLogRecord log = logs.get(i);
            assertThat(event.path("time").decimalValue()).isEqualByComparingTo(
                    BigDecimal.valueOf(log.timestamp().getEpochSecond()).add(BigDecimal.valueOf(log.timestamp().getNano(), 9)));
            assertThat(event.path("event")).isEqualTo(JSON.readTree(log.json()));
        }
        JsonNode first = intake.accepted.get(0);
        assertThat(first.path("source").asText()).isEqualTo("Kestra");
        assertThat(first.path("host").asText()).isEqualTo("shipper-1");
        assertThat(first.path("index").asText()).isEqualTo("kestra_audit");
        assertThat(first.path("sourcetype").asText()).isEqualTo("kestra:audit");
    }

    @Test
    void withIndexerAcknowledgementTheBatchWaitsUntilEveryRequestIsIndexed() throws Exception {
        List<AuditLogTable.Row> rows = rows(1_500, 42);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        intake.ackEnabled = true;
        intake.pollsBeforeIndexed = 2;

        Pass pass = ship(f, SplunkHecIntake.TOKEN, "    indexerAcknowledgement: true\n    compression: NONE\n");

        assertThat(intake.server.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        List<String> channels = intake.server.requests().stream().map(r -> r.header("X-Splunk-Request-Channel")).distinct().toList();
        assertThat(channels).singleElement().isNotNull();
        assertThat(intake.server.requests()).filteredOn(r -> r.path().equals("/services/collector"))
                .hasSize(2).allSatisfy(r -> assertThat(r.header("Content-Encoding")).isNull());
        // Both batches (1000 and 500) polled until their ackId turned true: three polls each.
        assertThat(intake.ackPolls.get()).isEqualTo(6);
    }

    @Test
    void acknowledgementsThatNeverComeFailTheExporterWithinAckTimeoutAndItsOffsetStays() throws Exception {
        List<AuditLogTable.Row> rows = rows(300, 43);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        intake.ackEnabled = true;
        intake.pollsBeforeIndexed = -1;

        Pass stuck = ship(f, SplunkHecIntake.TOKEN, "    indexerAcknowledgement: true\n    ackTimeout: PT1S\n");

        assertThat(stuck.failures()).containsOnlyKeys("splunk");
        assertThat(stuck.failures().get("splunk")).contains("acknowledged 0 of the batch's 1 requests within ackTimeout PT1S")
                .contains("shipped again");
        assertThat(f.shippedIds("file")).hasSize(300);

        intake.pollsBeforeIndexed = 0;
        Pass recovered = ship(f, SplunkHecIntake.TOKEN, "    indexerAcknowledgement: true\n    ackTimeout: PT1S\n");

        assertThat(recovered.allSucceeded()).isTrue();
        assertThat(recovered.shipped("splunk")).isEqualTo(300);
        assertThat(recovered.shipped("file")).isZero();
    }

    @Test
    void anAcknowledgementThatTimesOutIsNoRefusalTheBatchIsSentAgainInTheCatchUp() throws Exception {
        List<AuditLogTable.Row> rows = rows(300, 50);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        intake.ackEnabled = true;
        intake.pollsBeforeIndexed = -1;
        // The first request's ackId never turns true; from the second request on, Splunk indexes at once.
        AtomicInteger eventPosts = new AtomicInteger();
        intake.server.respondWith(request -> {
            if (request.path().equals("/services/collector") && eventPosts.incrementAndGet() == 2) {
                intake.pollsBeforeIndexed = 0;
            }
            return intake.intake(request);
        });

        try (ShipperApp app = f.app(f.config(task(f, "    indexerAcknowledgement: true\n    ackTimeout: PT1S\n"),
                Map.of("SPLUNK_HEC_TOKEN", SplunkHecIntake.TOKEN)))) {
            Pass pass = app.runOnce();

            assertThat(intake.server.violations()).isEmpty();
            assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
            assertThat(eventPosts).as("the batch in the shared stream, then again in the catch-up").hasValue(2);
            // At-least-once: the first request's events reached Splunk, unacknowledged, and were sent again.
            assertThat(intake.acceptedIds()).containsExactlyElementsOf(twice(rows));
            assertThat(pass.shipped("splunk")).isEqualTo(300);
            assertThat(app.meters().get("kestra.shipper.retries").tag("exporter", "splunk").counter().count()).isEqualTo(1);
            assertThat(app.meters().get("kestra.shipper.export.failures").tag("exporter", "splunk").counter().count()).isZero();
            assertThat(dir.resolve("dead-letter/splunk.ndjson")).doesNotExist();
        }
    }

    /** The poll, as a proxy in front of HEC passes it on: {@code channel} as the header's value, or none when null. */
    private static Request withChannel(Request poll, String channel) {
        Map<String, List<String>> headers = new HashMap<>(poll.headers());
        headers.keySet().removeIf(name -> name.equalsIgnoreCase("X-Splunk-Request-Channel"));
        if (channel != null) {
            headers.put("X-Splunk-Request-Channel", List.of(channel));
        }
        return new Request(poll.method(), poll.path(), poll.query(), headers, poll.body(), poll.sentBytes());
    }

    private long ackPollsSent() {
        return intake.server.requests().stream().filter(r -> r.path().equals("/services/collector/ack")).count();
    }

    /**
     * Splunk answering the poll "later" (503 code 9 "Server is busy", then 500 code 8 "Internal server error") is
     * retried: in the shared stream the exporter has no retry and leaves it, in the catch-up it posts the batch again
     * and its poll is retried; the batch counts as shipped once its ackId came back true, never before.
     */
    @Test
    void aPollAnsweredBusyOrInternalErrorIsRetriedAndTheBatchCommittedOnlyOnceAcknowledged() throws Exception {
        List<AuditLogTable.Row> rows = rows(300, 51);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        intake.ackEnabled = true;
        AtomicInteger polls = new AtomicInteger();
        intake.server.respondWith(request -> {
            if (request.path().equals("/services/collector/ack")) {
                switch (polls.incrementAndGet()) {
                    case 1: return SplunkHecIntake.hec(503, "Server is busy", 9);
                    case 2: return SplunkHecIntake.hec(500, "Internal server error", 8);
                    default: break;
                }
            }
            return intake.intake(request);
        });

        try (ShipperApp app = f.app(f.config(task(f, "    indexerAcknowledgement: true\n"),
                Map.of("SPLUNK_HEC_TOKEN", SplunkHecIntake.TOKEN)))) {
            Pass pass = app.runOnce();

            assertThat(intake.server.violations()).isEmpty();
            assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
            assertThat(ackPollsSent()).isEqualTo(3);
            assertThat(intake.ackPolls).as("polls Splunk answered with the acks' states").hasValue(1);
            assertThat(pass.shipped("splunk")).isEqualTo(300);
            // The catch-up (a retry) and the retried poll in it.
            assertThat(app.meters().get("kestra.shipper.retries").tag("exporter", "splunk").counter().count()).isEqualTo(2);
            // At-least-once: the events of the post whose poll was answered busy reached Splunk, and were posted again.
            assertThat(intake.acceptedIds()).containsExactlyElementsOf(twice(rows));
        }
    }

    /**
     * A proxy that drops the channel header from the poll (Splunk: 400 code 10 "Data channel is missing"), or rewrites
     * it (code 11 "Invalid data channel"): no retry, the exporter is refused naming what to fix, and not
     * {@code indexerAcknowledgement: true}, which it has; the batch is not committed, nothing is parked.
     */
    @Test
    void aPollWhoseChannelDoesNotReachSplunkIsRefusedNamingTheHeaderAndNothingIsCommitted() throws Exception {
        List<AuditLogTable.Row> rows = rows(100, 52);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        intake.ackEnabled = true;
        Map<String, String> answerByChannel = new java.util.LinkedHashMap<>();
        answerByChannel.put(null, "Data channel is missing");
        answerByChannel.put("kestra-shipper", "Invalid data channel");
        for (Map.Entry<String, String> proxy : answerByChannel.entrySet()) {
            long pollsBefore = ackPollsSent();
            intake.server.respondWith(request -> intake.intake(request.path().equals("/services/collector/ack")
                    ? withChannel(request, proxy.getKey()) : request));

            Pass pass = ship(f, SplunkHecIntake.TOKEN, "    indexerAcknowledgement: true\n");

            assertThat(pass.failures()).containsOnlyKeys("splunk");
            assertThat(pass.failures().get("splunk")).contains(proxy.getValue()).contains("X-Splunk-Request-Channel")
                    .contains("`indexerAcknowledgement: false`").doesNotContain("indexerAcknowledgement: true");
            assertThat(ackPollsSent() - pollsBefore).as("a refusal is not polled again").isEqualTo(1);
            assertThat(pass.shipped("splunk")).isZero();
            assertThat(pass.offsetOf("splunk").timestamp()).isBefore(ShipperFixture.inShippingOrder(rows).get(0).timestamp());
        }
        assertThat(f.shippedIds("file")).hasSize(100);
        assertThat(dir.resolve("dead-letter/splunk.ndjson")).doesNotExist();
    }

    /**
     * A poll refused for the token, as Splunk words it: acknowledgement turned off on it since the events were posted
     * (400 code 14 "ACK is disabled"), the token disabled (403 code 1): no retry, the fix named, nothing committed.
     */
    @Test
    void aPollRefusedForTheTokenNamesTheFixAndNothingIsCommitted() throws Exception {
        List<AuditLogTable.Row> rows = rows(100, 53);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        intake.ackEnabled = true;
        intake.server.respondWith(request -> {
            if (request.path().equals("/services/collector/ack")) {
                intake.ackEnabled = false;
            }
            return intake.intake(request);
        });

        Pass ackDisabled = ship(f, SplunkHecIntake.TOKEN, "    indexerAcknowledgement: true\n");

        assertThat(ackDisabled.failures().get("splunk")).contains("ACK is disabled")
                .contains("set `indexerAcknowledgement: false` or enable it on the token");
        assertThat(ackDisabled.shipped("splunk")).isZero();
        assertThat(ackPollsSent()).isEqualTo(1);

        intake.ackEnabled = true;
        intake.server.respondWith(request -> request.path().equals("/services/collector/ack")
                ? SplunkHecIntake.hec(403, "Token disabled", 1) : intake.intake(request));

        Pass tokenDisabled = ship(f, SplunkHecIntake.TOKEN, "    indexerAcknowledgement: true\n");

        assertThat(tokenDisabled.failures().get("splunk")).contains("Token disabled").contains("`token`")
                .doesNotContain(SplunkHecIntake.TOKEN);
        assertThat(tokenDisabled.shipped("splunk")).isZero();
        assertThat(ackPollsSent()).isEqualTo(2);
        assertThat(tokenDisabled.offsetOf("splunk").timestamp()).isBefore(ShipperFixture.inShippingOrder(rows).get(0).timestamp());
        assertThat(dir.resolve("dead-letter/splunk.ndjson")).doesNotExist();
    }

    @Test
    void aTokenWithAcknowledgementOnIsAConfigurationErrorNamingTheProperty() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows(40, 44));
        intake.ackEnabled = true;

        Pass pass = ship(f, SplunkHecIntake.TOKEN, "");

        assertThat(pass.failures()).containsOnlyKeys("splunk");
        assertThat(pass.failures().get("splunk")).contains("Data channel is missing").contains("indexerAcknowledgement: true");
        assertThat(intake.server.requests()).hasSize(1);
        assertThat(dir.resolve("dead-letter/splunk.ndjson")).doesNotExist();
    }

    @Test
    void aRejectedTokenStopsTheExporterAtOnceNamingTokenWithoutShowingIt() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows(50, 45));

        Pass pass = ship(f, "wrong-token-abcdef", "");

        assertThat(pass.failures()).containsOnlyKeys("splunk");
        assertThat(pass.failures().get("splunk")).contains("403").contains("Invalid token").contains("`token`")
                .doesNotContain("wrong-token-abcdef");
        assertThat(intake.server.requests()).hasSize(1);
        assertThat(f.shippedIds("file")).hasSize(50);
    }

    @Test
    void anIndexTheTokenMayNotWriteToStopsTheExporterNamingIndex() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows(50, 46));

        Pass pass = ship(f, SplunkHecIntake.TOKEN, "    index: secret_index\n");

        assertThat(pass.failures().get("splunk")).contains("Incorrect index").contains("`index`");
        assertThat(intake.server.requests()).hasSize(1);
        assertThat(dir.resolve("dead-letter/splunk.ndjson")).doesNotExist();
    }

    @Test
    void aBusyServerIsRetriedWithBackoffAndNothingIsSentTwice() throws Exception {
        List<AuditLogTable.Row> rows = rows(1_200, 47);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        AtomicInteger calls = new AtomicInteger();
        intake.server.respondWith(request -> calls.incrementAndGet() <= 2
                ? SplunkHecIntake.hec(503, "Server is busy", 9) : intake.intake(request));

        Pass pass = ship(f, SplunkHecIntake.TOKEN, "");

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(intake.server.violations()).isEmpty();
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(intake.server.requests()).hasSize(2 + 2);
    }

    @Test
    void anEventHecRefusesIsParkedWithHecsReasonAndItsNeighboursAreIndexedOnce() throws Exception {
        List<AuditLogTable.Row> rows = rows(800, 48);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        String poison = ShipperFixture.idsInShippingOrder(rows).get(333);
        intake.server.respondWith(request -> new String(request.body()).contains(poison)
                ? SplunkHecIntake.hec(400, "Invalid data format", 6, 0) : intake.intake(request));

        Pass pass = ship(f, SplunkHecIntake.TOKEN, "");

        assertThat(pass.allSucceeded()).isTrue();
        List<String> expected = new ArrayList<>(ShipperFixture.idsInShippingOrder(rows));
        expected.remove(poison);
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(expected);
        assertThat(Files.readAllLines(dir.resolve("dead-letter/splunk.ndjson"))).singleElement().satisfies(line -> {
            JsonNode entry = JSON.readTree(line);
            assertThat(entry.path("id").asText()).isEqualTo(poison);
            assertThat(entry.path("reason").asText()).contains("HTTP 400").contains("Invalid data format").contains("\"code\":6");
        });
    }

    @Test
    void anUnreachableSplunkLagsAloneWhileTheFileExporterShips() throws Exception {
        List<AuditLogTable.Row> rows = rows(200, 49);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        intake.server.respondWith(request -> Answer.of(503, "{\"text\":\"HEC is unhealthy, queues are full\",\"code\":18}"));

        Pass down = ship(f, SplunkHecIntake.TOKEN, "");

        assertThat(down.failures()).containsOnlyKeys("splunk");
        assertThat(f.shippedIds("file")).hasSize(200);
        intake.server.respondWith(intake::intake);
        Pass up = ship(f, SplunkHecIntake.TOKEN, "");
        assertThat(up.allSucceeded()).isTrue();
        assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
    }
}
