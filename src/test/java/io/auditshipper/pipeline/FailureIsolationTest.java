package io.auditshipper.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.ShipperApp;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.datadog.DatadogIntake;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.offset.FileOffsetStore;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.AzuriteServer;
import io.auditshipper.support.Blackhole;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;
import io.auditshipper.support.ShipperFixture;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A destination never makes the others wait: in the stream of batches the exporters share, a failing one gets one
 * attempt and leaves it; it retries in a catch-up stream of its own once the others have committed everything.
 * Read from the offsets the others had stored when the failing destination saw each attempt, not from timings.
 */
class FailureIsolationTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOGS = 3_000;
    private static final int CHUNK = 250;

    @TempDir
    Path dir;

    private final List<AuditLogTable.Row> rows = new DemoAuditLogs(41).rows(LOGS, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(60));
    private final List<AuditLogRecord> sorted = ShipperFixture.inShippingOrder(rows);
    private final Offset end = sorted.get(LOGS - 1).offset();

    /** The fixture's file exporter "file" beside a Datadog exporter at {@code datadogUrl}; 12 batches of 250. */
    private ShipperConfig config(ShipperFixture f, String datadogUrl, String initialDelay) {
        return f.config(f.taskWith("  - id: datadog\n    type: io.kestra.plugin.ee.datadog.LogExporter\n    basePath: " + datadogUrl
                        + "\n    apiKey: " + DatadogIntake.API_KEY + "\n")
                .replace("chunk: 1000", "chunk: " + CHUNK).replace("initialDelay: PT0.05S", "initialDelay: " + initialDelay));
    }

    private StoredOffsets stored() {
        return new FileOffsetStore(dir.resolve("state"), "test").load();
    }

    private static double count(MeterRegistry meters, String name, String exporterId) {
        return meters.get(name).tag("exporter", exporterId).counter().count();
    }

    /** The id of the first log a Datadog request carries. */
    private static String firstId(Request request) {
        try {
            return JSON.readTree(JSON.readTree(request.body()).get(0).path("message").asText()).path("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aDestinationAnswering503IsRetriedOnlyOnceTheOthersHaveCommittedEverything() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        DatadogIntake intake = new DatadogIntake(NOW);
        List<Optional<Offset>> fileOffsetAtEachAttempt = new CopyOnWriteArrayList<>();
        intake.server.respondWith(request -> {
            fileOffsetAtEachAttempt.add(stored().of("file"));
            return Answer.of(503, "{\"errors\":[\"Service Unavailable\"]}");
        });
        try (intake.server; ShipperApp app = new ShipperApp(config(f, intake.server.baseUrl(), "PT0.05S"), f.clock)) {
            Pass pass = app.runOnce();

            assertThat(pass.failures()).containsOnlyKeys("datadog");
            assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            // One attempt in the shared stream, then a catch-up (a retry) with the task's 3 retries; none of them
            // before "file" had committed its last batch.
            assertThat(fileOffsetAtEachAttempt).hasSize(5);
            assertThat(fileOffsetAtEachAttempt.subList(1, 5)).containsOnly(Optional.of(end));
            assertThat(count(app.meters(), "kestra.shipper.retries", "datadog")).isEqualTo(4);
            assertThat(count(app.meters(), "kestra.shipper.export.failures", "datadog")).isEqualTo(1);
            assertThat(count(app.meters(), "kestra.shipper.logs.shipped", "file")).isEqualTo(LOGS);
            assertThat(stored().of("file")).contains(end);
            assertThat(OffsetOrder.CODE_POINT.isBefore(stored().of("datadog").orElseThrow(), sorted.get(0).offset()))
                    .as("the down exporter's offset has not moved").isTrue();
            assertThat(intake.server.violations()).isEmpty();
        }
    }

    @Test
    void aRefusedDestinationThatComesBackGetsEveryLogOnceInTheSamePass() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        // The port refuses connections until the wait before the catch-up, the first wait of the pass (in the
        // shared stream Datadog has one attempt and no retry); there Datadog comes back.
        AtomicReference<DatadogIntake> intake = new AtomicReference<>();
        List<Optional<Offset>> fileOffsetWhenItCameBack = new CopyOnWriteArrayList<>();
        f.retryWaits.onEachWait(() -> {
            if (intake.get() == null) {
                fileOffsetWhenItCameBack.add(stored().of("file"));
                intake.set(new DatadogIntake(NOW, port));
            }
        });
        Pass pass = f.runOnce(config(f, "http://127.0.0.1:" + port, "PT0.5S"));
        try (var server = intake.get().server) {
            assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
            assertThat(fileOffsetWhenItCameBack).containsExactly(Optional.of(end));
            assertThat(intake.get().acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            assertThat(stored().of("datadog")).contains(end);
            assertThat(server.violations()).isEmpty();
        }
    }

    @Test
    void theRetryAfterADestinationAskedForIsWaitedBeforeEachCatchUpWithinMaxDelay() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        DatadogIntake intake = new DatadogIntake(NOW);
        String batch1 = sorted.get(0).id();
        String batch3 = sorted.get(2 * CHUNK).id();
        AtomicInteger batch1Attempts = new AtomicInteger();
        AtomicInteger batch3Attempts = new AtomicInteger();
        // Batch 1 is throttled at its one attempt in the shared stream (Retry-After 1 s); batch 3 at its first attempt
        // in the catch-up and the task's 3 retries there (Retry-After 5 s, over maxDelay PT2S).
        intake.server.respondWith(request -> {
            String first = firstId(request);
            if (first.equals(batch1) && batch1Attempts.incrementAndGet() == 1) {
                return throttled("1");
            }
            if (first.equals(batch3) && batch3Attempts.incrementAndGet() <= 4) {
                return throttled("5");
            }
            return intake.intake(request);
        });
        try (intake.server; ShipperApp app = f.app(config(f, intake.server.baseUrl(), "PT0.05S"))) {
            Pass pass = app.runOnce();

            assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
            // Not the backoff's 50 ms and 100 ms before the two catch-ups: the 1 s batch 1's answer asked for, then, after
            // batch 3's 3 retries in the first catch-up, the 5 s its last answer asked for, capped at maxDelay.
            assertThat(f.retryWaits.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
                    Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
            assertThat(count(app.meters(), "kestra.shipper.retries", "datadog")).isEqualTo(5);
            assertThat(count(app.meters(), "kestra.shipper.export.failures", "datadog")).isZero();
            assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            assertThat(stored().exporters()).containsEntry("file", end).containsEntry("datadog", end);
            assertThat(intake.server.violations()).isEmpty();
        }
    }

    /**
     * A destination whose SYNs are dropped holds nobody: in the shared stream, a connection not established within
     * RetryBudget.SHARED_STREAM_CONNECT_TIMEOUT (1 s) is given up (nothing was sent on it), and Datadog catches up once
     * the destination is back, with every log once. Without that bound, "file"'s first batch would wait for the
     * connect to time out: Linux gives up on unanswered SYNs after about 2 minutes, camel-http after 3.
     */
    @Test
    void aBlackholedHttpDestinationDoesNotHoldTheOthersForItsConnectTimeout() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        Blackhole blackhole = new Blackhole();
        int port = blackhole.port();
        AtomicReference<DatadogIntake> intake = new AtomicReference<>();
        List<StoredOffsets> offsetsBeforeTheCatchUp = new CopyOnWriteArrayList<>();
        // At the wait before the catch-up (Datadog had one attempt and no retry in the shared stream), it comes back.
        f.retryWaits.onEachWait(() -> {
            if (intake.get() == null) {
                offsetsBeforeTheCatchUp.add(stored());
                closeQuietly(blackhole);
                intake.set(new DatadogIntake(NOW, port));
            }
        });
        try (ShipperApp app = f.app(config(f, "http://127.0.0.1:" + port, "PT0.05S"))) {
            // Generous: with the bound, "file" ships its 12 batches in a few seconds; without it, over 2 minutes.
            Pass pass = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> app.runOnce());

            try (var server = intake.get().server) {
                assertThat(offsetsBeforeTheCatchUp).singleElement().satisfies(offsets -> {
                    assertThat(offsets.of("file")).contains(end);
                    assertThat(OffsetOrder.CODE_POINT.isBefore(offsets.of("datadog").orElseThrow(), sorted.get(0).offset()))
                            .as("Datadog acknowledged nothing in the shared stream").isTrue();
                });
                assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
                // The attempt given up sent nothing: each log reached Datadog once, in the catch-up.
                assertThat(intake.get().acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
                assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
                assertThat(count(app.meters(), "kestra.shipper.retries", "datadog")).isEqualTo(1);
                assertThat(stored().exporters()).containsEntry("file", end).containsEntry("datadog", end);
                assertThat(server.violations()).isEmpty();
            }
        } finally {
            closeQuietly(blackhole);
        }
    }

    /**
     * The same for syslog over TCP, whose own connectionTimeout (2 minutes here) applies again in the catch-up: the
     * collector stays down (the port refuses connections by then), so syslog fails the pass, not refused, its offset
     * where it was, and "file" ships everything without waiting for it.
     */
    @Test
    void aBlackholedSyslogCollectorDoesNotHoldTheOthersForItsConnectionTimeout() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        Blackhole blackhole = new Blackhole();
        List<StoredOffsets> offsetsBeforeTheCatchUp = closedAtTheFirstRetryWait(f, blackhole);
        ShipperConfig config = f.config(f.taskWith("  - id: syslog\n    type: io.kestra.plugin.ee.syslog.LogExporter\n"
                + "    host: 127.0.0.1\n    port: " + blackhole.port() + "\n    protocol: TCP\n    connectionTimeout: PT2M\n")
                .replace("chunk: 1000", "chunk: " + CHUNK));
        try (ShipperApp app = f.app(config)) {
            Pass pass = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> app.runOnce());

            assertThat(offsetsBeforeTheCatchUp).singleElement().satisfies(offsets -> assertThat(offsets.of("file")).contains(end));
            assertThat(pass.failures()).containsOnlyKeys("syslog");
            assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            // The catch-up: one retry of the stream, then the task's 3 retries of the batch, each refused.
            assertThat(count(app.meters(), "kestra.shipper.retries", "syslog")).isEqualTo(4);
            assertThat(count(app.meters(), "kestra.shipper.export.failures", "syslog")).isEqualTo(1);
            assertThat(OffsetOrder.CODE_POINT.isBefore(stored().of("syslog").orElseThrow(), sorted.get(0).offset())).isTrue();
        } finally {
            closeQuietly(blackhole);
        }
    }

    /** The exporter "sdk" of this kind, its destination the loopback port given. */
    private static String sdkExporter(String kind, int port) {
        String url = "http://127.0.0.1:" + port;
        return "  - id: sdk\n" + switch (kind) {
            case "elasticsearch", "opensearch" -> "    type: io.kestra.plugin.ee." + kind + ".LogExporter\n    indexName: audit\n"
                    + "    connection:\n      hosts: [\"" + url + "\"]\n";
            case "s3" -> "    type: io.kestra.plugin.ee.aws.s3.LogExporter\n    region: eu-west-1\n    bucket: audit\n"
                    + "    accessKeyId: AKIAEXAMPLE\n    secretKeyId: secret\n    endpointOverride: " + url + "\n";
            case "azureBlob" -> "    type: io.kestra.plugin.ee.azure.storage.LogExporter\n    containerName: audit\n"
                    + "    connectionString: \"DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT + ";AccountKey="
                    + AzuriteServer.KEY + ";BlobEndpoint=" + url + "/" + AzuriteServer.ACCOUNT + ";\"\n";
            case "cloudwatch" -> "    type: io.kestra.plugin.ee.aws.cloudwatch.LogExporter\n    region: eu-west-1\n    logGroupName: kestra\n"
                    + "    logStreamName: audit\n    accessKeyId: AKIAEXAMPLE\n    secretKeyId: secret\n    endpointOverride: " + url + "\n";
            case "cloudLogging" -> "    type: io.kestra.plugin.ee.gcp.operationalsuite.LogExporter\n    projectId: my-project\n    endpoint: " + url + "\n";
            case "gcs" -> "    type: io.kestra.plugin.ee.gcp.gcs.LogExporter\n    projectId: my-project\n    bucket: audit\n"
                    + "    endpoint: " + url + "\n";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /**
     * The same for the exporters on a vendor's SDK, whose connect timeouts are the SDK's: Elasticsearch's and
     * OpenSearch's REST clients connect within 1 s, S3's within 2 s (neither retried by the SDK), CloudWatch Logs'
     * within 2 s, not retried in the shared stream (it was 4 times); Azure's within 10 s, GCS's within 20 s and Cloud
     * Logging's within Netty's 30 s, retried for a minute, are bounded to 1 s in the shared stream
     * (ConnectBoundClients), Cloud Logging's without its client's retries there. The destination stays down (the port refuses connections from the catch-up on), so the exporter
     * fails the pass with its offset where it was, and "file" ships everything, committed before the catch-up.
     */
    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch", "s3", "azureBlob", "gcs", "cloudwatch", "cloudLogging"})
    void aBlackholedSdkDestinationDoesNotHoldTheOthersForItsConnectTimeout(String kind) throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        Blackhole blackhole = new Blackhole();
        List<StoredOffsets> offsetsBeforeTheCatchUp = closedAtTheFirstRetryWait(f, blackhole);
        String task = f.taskWith(sdkExporter(kind, blackhole.port())).replace("chunk: 1000", "chunk: " + CHUNK);
        // Cloud Logging's client retries UNAVAILABLE for a minute in its catch-up (a port refusing connections answers
        // that too): no retries here, the shared stream is what this test is about.
        ShipperConfig config = f.config(kind.equals("cloudLogging") ? task.replace("maxRetries: 3", "maxRetries: 0") : task);
        try (ShipperApp app = f.app(config)) {
            // A guard against a hang, not a measure: the outcome is read from the offsets below.
            Pass pass = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> app.runOnce());

            // Cloud Logging stops for the pass at once (no retry, no catch-up), the others retry in their catch-up.
            assertThat(offsetsBeforeTheCatchUp).allSatisfy(offsets -> assertThat(offsets.of("file")).contains(end));
            assertThat(pass.failures()).containsOnlyKeys("sdk");
            assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            assertThat(stored().of("file")).contains(end);
            assertThat(count(app.meters(), "kestra.shipper.export.failures", "sdk")).isEqualTo(1);
            assertThat(stored().of("sdk").filter(offset -> !OffsetOrder.CODE_POINT.isBefore(offset, sorted.get(0).offset())))
                    .as("nothing acknowledged by the blackholed destination").isEmpty();
        } finally {
            closeQuietly(blackhole);
        }
    }

    /**
     * Closes the blackhole (its port then refuses connections) at the first retry wait, the catch-up's start, and
     * answers the offsets stored then.
     */
    private List<StoredOffsets> closedAtTheFirstRetryWait(ShipperFixture f, Blackhole blackhole) {
        List<StoredOffsets> offsetsBeforeTheCatchUp = new CopyOnWriteArrayList<>();
        f.retryWaits.onEachWait(() -> {
            if (offsetsBeforeTheCatchUp.isEmpty()) {
                offsetsBeforeTheCatchUp.add(stored());
                closeQuietly(blackhole);
            }
        });
        return offsetsBeforeTheCatchUp;
    }

    private static void closeQuietly(Blackhole blackhole) {
        try {
            blackhole.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer throttled(String retryAfter) {
        return new Answer(429, Map.of("Content-Type", "application/json", "Retry-After", retryAfter),
                "{\"errors\":[\"Too Many Requests\"]}");
    }

    @Test
    void anExporterFailingOnBatch5Of12GetsBatches5To12InItsCatchUpAndTheOthersNothingTwice() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        DatadogIntake intake = new DatadogIntake(NOW);
        String batch5 = sorted.get(4 * CHUNK).id();
        // Batch 5 fails for as long as "file" has not committed everything: every retry made before that fails too.
        intake.server.respondWith(request -> firstId(request).equals(batch5) && !stored().of("file").equals(Optional.of(end))
                ? Answer.of(503, "{\"errors\":[\"Service Unavailable\"]}")
                : intake.intake(request));
        try (intake.server; ShipperApp app = new ShipperApp(config(f, intake.server.baseUrl(), "PT0.05S"), f.clock)) {
            Pass pass = app.runOnce();

            assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
            List<String> batchStarts = new ArrayList<>();
            for (int batch = 0; batch < LOGS / CHUNK; batch++) {
                batchStarts.add(sorted.get(batch * CHUNK).id());
            }
            List<String> expectedRequests = new ArrayList<>(batchStarts.subList(0, 5));
            expectedRequests.addAll(batchStarts.subList(4, batchStarts.size()));
            assertThat(intake.server.requests().stream().map(FailureIsolationTest::firstId).toList())
                    .as("batches 1-5 in the shared stream (5 failing), then 5-12 in the catch-up")
                    .containsExactlyElementsOf(expectedRequests);
            assertThat(intake.acceptedIds()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            assertThat(pass.shipped("file")).isEqualTo(LOGS);
            assertThat(count(app.meters(), "kestra.shipper.logs.shipped", "file")).isEqualTo(LOGS);
            assertThat(count(app.meters(), "kestra.shipper.logs.shipped", "datadog")).isEqualTo(LOGS);
            assertThat(count(app.meters(), "kestra.shipper.export.failures", "datadog")).isZero();
            assertThat(stored().exporters()).containsEntry("file", end).containsEntry("datadog", end);
            assertThat(intake.server.violations()).isEmpty();
        }
    }
}
