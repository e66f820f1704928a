package io.auditshipper.exporter.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.ShipperApp;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.config.ExporterType;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.support.Blackhole;
import io.auditshipper.support.ExporterCheck;
import io.auditshipper.support.FakeHttpIntake;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The Azure Monitor exporter (Microsoft's Logs Ingestion client and Entra ID client credentials) through
 * the pipeline, against a TLS server answering as the token endpoint and the Logs Ingestion API do. This
 * JVM trusts the server's throwaway certificate (surefire gives each test class a JVM of its own).
 */
class AzureMonitorExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        FakeAzureMonitor.trustThisJvm();
    }

    @TempDir
    Path dir;

    private final FakeAzureMonitor azure = new FakeAzureMonitor();

    @AfterEach
    void stop() {
        azure.close();
    }

    private Pass ship(ShipperFixture f, String secret) throws Exception {
        return f.runOnce(f.config(task(f), Map.of("AZURE_CLIENT_SECRET", secret)));
    }

    private String task(ShipperFixture f) {
        return f.taskWith("  - id: azureMonitor\n    type: io.kestra.plugin.ee.azure.monitor.LogExporter\n"
                + "    endpoint: " + azure.url() + "\n    authorityHost: " + azure.url() + "\n"
                + "    tenantId: " + FakeAzureMonitor.TENANT + "\n    clientId: " + FakeAzureMonitor.CLIENT + "\n"
                + "    clientSecret: \"{{ secret('AZURE_CLIENT_SECRET') }}\"\n"
                + "    ruleId: " + FakeAzureMonitor.RULE + "\n    streamName: " + FakeAzureMonitor.STREAM + "\n");
    }

    private ShipperFixture fixture(List<AuditLogTable.Row> rows) throws Exception {
        return ShipperFixture.h2With(dir, NOW, rows);
    }

    /**
     * A Logs Ingestion endpoint whose SYNs are dropped costs the pass's shared stream one connect of 1 s: the SDK's
     * client (Netty, 10 s) connects within the bound the retry budget gives the exporter, and the SDK does not retry a
     * connection not established while the budget gives one attempt. Without either, that was 4 connects of 10 s and
     * the SDK's backoff between them, 3 retries counted.
     */
    @Test
    void aBlackholedEndpointCostsTheSharedStreamOneConnectOf1s() throws Exception {
        ExporterContext context = ExporterCheck.sharingTheStream("azureMonitor", dir);
        try (Blackhole blackhole = new Blackhole()) {
            LogExporter exporter = AzureMonitorExporter.from(ExporterCheck.config("azureMonitor", ExporterType.AZURE_MONITOR,
                    Map.of("endpoint", "https://127.0.0.1:" + blackhole.port(), "authorityHost", azure.url(),
                            "tenantId", FakeAzureMonitor.TENANT, "clientId", FakeAzureMonitor.CLIENT,
                            "clientSecret", FakeAzureMonitor.SECRET, "ruleId", FakeAzureMonitor.RULE,
                            "streamName", FakeAzureMonitor.STREAM), Map.of()), context);

            // A guard against a hang, not a measure: the outcome is read below.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> exporter.ship(ExporterCheck.tenLogs(82, NOW)))
                    .hasMessageContaining("connection timed out after 1000 ms"));
            assertThat(context.retries("azureMonitor").count()).as("retries by the SDK").isZero();
            assertThat(azure.tokenRequests.get()).isEqualTo(1);
        }
    }

    @Test
    void uploadsEveryLogOnceWithItsTimeUnderOneCachedToken() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(81).rows(4_000, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = fixture(rows);

        Pass pass = ship(f, FakeAzureMonitor.SECRET);

        assertThat(azure.https.violations()).isEmpty();
        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        assertThat(azure.logs).extracting(log -> log.path("id").asText())
                .containsExactlyInAnyOrderElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(azure.logs).allSatisfy(log -> assertThat(log.path("TimeGenerated").asText()).isEqualTo(log.path("date").asText()));
        assertThat(azure.https.requests().stream().filter(r -> r.path().startsWith("/dataCollectionRules")).count())
                .isGreaterThanOrEqualTo(4);
        assertThat(azure.tokenRequests.get()).isEqualTo(1);
    }

    @Test
    void aRejectedLogIsParkedThrottlingIsWaitedOutAndABadSecretFailsWithoutShowingIt() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(82).rows(300, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        ShipperFixture f = fixture(rows);
        azure.rejectedId = ShipperFixture.idsInShippingOrder(rows).get(7);
        azure.throttle.set(1);

        Pass pass;
        double retries;
        try (ShipperApp app = new ShipperApp(f.config(task(f), Map.of("AZURE_CLIENT_SECRET", FakeAzureMonitor.SECRET)), f.clock)) {
            pass = app.runOnce();
            retries = app.meters().get("kestra.shipper.retries").tag("exporter", "azureMonitor").counter().count();
        }

        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        assertThat(azure.throttled).as("the service did answer 429").hasValue(1);
        List<FakeHttpIntake.Request> uploads = azure.https.requests();
        int throttledAt = java.util.stream.IntStream.range(0, uploads.size())
                .filter(i -> uploads.get(i).path().startsWith("/dataCollectionRules")).findFirst().orElseThrow();
        assertThat(uploads.get(throttledAt + 1).path()).as("the throttled upload sent again").startsWith("/dataCollectionRules");
        assertThat(azure.https.waitAfter(throttledAt)).as("after the second Retry-After asked for")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(retries).as("the client's retry counted").isEqualTo(1);
        List<String> parked = Files.readAllLines(dir.resolve("dead-letter/azureMonitor.ndjson"));
        assertThat(parked).singleElement().satisfies(line -> {
            assertThat(JSON.readTree(line).path("id").asText()).isEqualTo(azure.rejectedId);
            assertThat(JSON.readTree(line).path("reason").asText()).contains("400");
        });
        List<String> all = new ArrayList<>();
        azure.logs.forEach(log -> all.add(log.path("id").asText()));
        parked.forEach(line -> {
            try {
                all.add(JSON.readTree(line).path("id").asText());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(all).as("every log either arrived or was parked, once")
                .containsExactlyInAnyOrderElementsOf(ShipperFixture.idsInShippingOrder(rows));

        ShipperFixture other = new ShipperFixture("h2", dir.resolve("bad-secret"), NOW);
        other.insert(new DemoAuditLogs(83).rows(5, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30)));
        Pass refused = ship(other, "not-the-secret-123");
        assertThat(refused.failures()).containsOnlyKeys("azureMonitor");
        assertThat(refused.failures().get("azureMonitor")).contains("refused the client credentials")
                .doesNotContain("not-the-secret-123");
    }
}
