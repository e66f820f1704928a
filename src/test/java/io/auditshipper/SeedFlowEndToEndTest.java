package io.auditshipper;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.logging.v2.LogEntry;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.azure.FakeAzureMonitor;
import io.auditshipper.exporter.cloudwatch.FakeCloudWatchLogs;
import io.auditshipper.exporter.datadog.DatadogIntake;
import io.auditshipper.exporter.graylog.GraylogGelfInput;
import io.auditshipper.exporter.splunk.SplunkHecIntake;
import io.auditshipper.exporter.syslog.CefLine;
import io.auditshipper.exporter.syslog.Rsyslog;
import io.auditshipper.exporter.syslog.TestCa;
import io.auditshipper.kestra.FakeKestraServer;
import io.auditshipper.kestra.KestraApiClient;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.offset.KestraKvOffsetStore;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.exporter.gcp.FakeCloudLogging;
import io.auditshipper.exporter.newrelic.NewRelicIntake;
import io.auditshipper.exporter.otlp.OtlpCollector;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.AzuriteServer;
import io.auditshipper.support.FakeGcsServer;
import io.auditshipper.support.S3Server;
import io.auditshipper.support.SearchNode;
import io.auditshipper.support.SeedFlow;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's example flow, pasted as it is (plus the region variable it refers to), with each of its twelve
 * exporters pointed at its local server (real S3Proxy, Azurite, Elasticsearch and OpenSearch nodes; servers that
 * check the vendor's contract for the others): one {@code --once} pass ships every FLOW and EXECUTION audit log to
 * all of them, once each.
 */
class SeedFlowEndToEndTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final S3Server S3 = new S3Server();
    private static final AzuriteServer AZURITE = new AzuriteServer();
    private static final FakeGcsServer GCS = new FakeGcsServer();
    private static final SearchNode ELASTICSEARCH = SearchNode.elasticsearch();
    private static final SearchNode OPENSEARCH = SearchNode.opensearch();

    static {
        FakeAzureMonitor.trustThisJvm();
    }

    @TempDir
    Path dir;

    private final DatadogIntake datadog = new DatadogIntake(NOW);
    private final NewRelicIntake newRelic = new NewRelicIntake();
    private final OtlpCollector otlp = new OtlpCollector();
    private final FakeCloudWatchLogs cloudWatch = new FakeCloudWatchLogs(NOW);
    private final FakeCloudLogging cloudLogging = new FakeCloudLogging();
    private final FakeAzureMonitor azureMonitor = new FakeAzureMonitor();

    @AfterEach
    void stop() {
        datadog.server.close();
        newRelic.close();
        otlp.close();
        cloudWatch.close();
        cloudLogging.close();
        azureMonitor.close();
    }

    @AfterAll
    static void stopServers() throws Exception {
        S3.close();
        AZURITE.close();
        GCS.close();
        ELASTICSEARCH.close();
        OPENSEARCH.close();
    }

    /**
     * The seed's flow with each of its twelve exporters pointed at its local server, and the secrets it needs; the
     * bucket, container and index names end in {@code -<test>}, as the storage and search servers serve both tests.
     */
    private record PointedFlow(Map<String, Object> flow, Map<String, Object> task, List<Map<String, Object>> exporters,
                               Map<String, String> secrets) {
    }

    @SuppressWarnings("unchecked")
    private PointedFlow seedFlowPointedAtTheServers(ShipperFixture f, String test) throws Exception {
        Map<String, Object> flow = YAML.readValue(SeedFlow.withRegionVariable(), LinkedHashMap.class);
        Map<String, Object> task = ((List<Map<String, Object>>) flow.get("tasks")).get(0);
        List<Map<String, Object>> exporters = (List<Map<String, Object>>) task.get("logExporters");
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        exporters.forEach(e -> byId.put((String) e.get("id"), e));
        byId.get("file").put("outputDirectory", f.outputDirectory("file"));
        byId.get("awsCloudWatch").put("endpointOverride", cloudWatch.url());
        byId.get("googleOperationalSuite").put("endpoint", cloudLogging.endpoint());
        byId.get("azureMonitor").put("endpoint", azureMonitor.url());
        byId.get("azureMonitor").put("authorityHost", azureMonitor.url());
        byId.get("datadog").put("basePath", datadog.server.baseUrl());
        byId.get("newRelic").put("basePath", newRelic.url());
        byId.get("openTelemetry").put("otlpEndpoint", otlp.url());
        S3.createBucket("logbucket-" + test);
        byId.get("S3LogExporter").putAll(Map.of("bucket", "logbucket-" + test, "endpointOverride", S3.endpoint().toString(),
                "accessKeyId", S3.accessKey(), "secretKeyId", "{{ secret('S3PROXY_SECRET') }}"));
        GCS.createBucket("my-bucket-" + test);
        byId.get("gcs").putAll(Map.of("bucket", "my-bucket-" + test, "endpoint", GCS.endpoint()));
        // Azurite takes no Entra ID token: the seed's endpoint and client credentials give way to its connection string.
        AZURITE.createContainer("logs-" + test);
        byId.get("azureBlobStorage").put("containerName", "logs-" + test);
        List.of("endpoint", "tenantId", "clientId", "clientSecret").forEach(byId.get("azureBlobStorage")::remove);
        byId.get("azureBlobStorage").put("connectionString", "{{ secret('AZURITE_CONNECTION_STRING') }}");
        // The nodes run without security: the seed's basic auth is sent and ignored.
        for (String search : List.of("elasticsearch", "opensearch")) {
            byId.get(search).put("indexName", "kestra-logs-" + test);
            ((Map<String, Object>) byId.get(search).get("connection")).put("hosts",
                    List.of((search.equals("elasticsearch") ? ELASTICSEARCH : OPENSEARCH).url()));
        }
        Map<String, String> secrets = new HashMap<>(SeedFlow.SECRETS);
        secrets.put("S3PROXY_SECRET", S3.secretKey());
        secrets.put("AZURITE_CONNECTION_STRING", AZURITE.connectionString());
        task.put("deadLetterDirectory", dir.resolve("dead-letter").toString());
        return new PointedFlow(flow, task, exporters, secrets);
    }

    /** Every one of the seed's twelve destinations holds exactly {@code expected}, and no server saw a broken contract. */
    private void assertEachOfTheTwelveHolds(ShipperFixture f, String test, List<String> expected) throws Exception {
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(expected);
        assertThat(datadog.acceptedIds()).containsExactlyElementsOf(expected);
        assertThat(newRelic.acceptedIds()).containsExactlyElementsOf(expected);
        assertThat(otlp.accepted).extracting(log -> OtlpCollector.attribute(log, "kestra.audit.id")).containsExactlyElementsOf(expected);
        assertThat(cloudWatch.events).extracting(e -> ShipperFixture.idOf(e.path("message").asText()))
                .containsExactlyElementsOf(expected);
        assertThat(cloudLogging.entries).extracting(LogEntry::getInsertId).containsExactlyElementsOf(expected);
        assertThat(azureMonitor.logs).extracting(l -> l.path("id").asText()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ids(S3.listKeys("logbucket-" + test).stream().map(key -> S3.read("logbucket-" + test, key).content())))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ids(GCS.objects("my-bucket-" + test).stream().map(name -> GCS.read("my-bucket-" + test, name).content())))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ids(AZURITE.listBlobs("logs-" + test).stream().map(name -> AZURITE.read("logs-" + test, name).content())))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ELASTICSEARCH.documents("kestra-logs-" + test).keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(OPENSEARCH.documents("kestra-logs-" + test).keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(GCS.violations()).isEmpty();
        assertThat(datadog.server.violations()).isEmpty();
        assertThat(newRelic.http.violations()).isEmpty();
        assertThat(otlp.http.violations()).isEmpty();
        assertThat(cloudWatch.http.violations()).isEmpty();
        assertThat(cloudLogging.violations).isEmpty();
        assertThat(azureMonitor.https.violations()).isEmpty();
    }

    private static final List<String> SEED_EXPORTERS = List.of("file", "awsCloudWatch", "S3LogExporter",
            "googleOperationalSuite", "gcs", "azureMonitor", "azureBlobStorage", "datadog", "elasticsearch", "opensearch",
            "newRelic", "openTelemetry");

    @Test
    void theSeedFlowShipsToEveryExporterInOnePass() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> rows = new DemoAuditLogs(91).rows(3_000, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(30));
        f.insert(rows);
        List<String> expected = ShipperFixture.idsInShippingOrder(rows.stream()
                .filter(r -> r.resource().equals("FLOW") || r.resource().equals("EXECUTION")).toList());
        PointedFlow seed = seedFlowPointedAtTheServers(f, "jdbc");
        seed.task().put("source", Map.of("type", "jdbc", "url", f.url, "table", f.table, "pageSize", 700));
        seed.task().put("offsetStore", Map.of("type", "file", "directory", dir.resolve("state").toString()));

        Pass pass = f.runOnce(f.config(YAML.writeValueAsString(seed.flow()), seed.secrets()));

        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        assertThat(pass.exporterIds()).containsExactlyElementsOf(SEED_EXPORTERS);
        assertEachOfTheTwelveHolds(f, "jdbc", expected);
    }

    /**
     * The same flow reading a Kestra 2.x server (its 2.0 {@code filters} only; the offsets in its KV store, the
     * default beside the API source), with Kestra's three newer exporters added: Splunk HEC, Graylog GELF and
     * Syslog CEF into a real rsyslogd over TCP. Fifteen destinations, each log once in each.
     */
    @Test
    void theSeedFlowReadsAKestra2ServerAndShipsToTheFifteenExportersOnce() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> rows = new DemoAuditLogs(92).rows(2_000, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(30));
        List<AuditLogTable.Row> selected = rows.stream()
                .filter(r -> r.resource().equals("FLOW") || r.resource().equals("EXECUTION")).toList();
        List<String> expected = ShipperFixture.idsInShippingOrder(selected);
        SplunkHecIntake splunk = new SplunkHecIntake();
        GraylogGelfInput graylog = new GraylogGelfInput();
        try (FakeKestraServer kestra = new FakeKestraServer().v2();
             Rsyslog rsyslog = new Rsyslog(dir.resolve("rsyslog"), TestCa.create(dir.resolve("ca")))) {
            rows.forEach(row -> kestra.add(row.log().json()));
            PointedFlow seed = seedFlowPointedAtTheServers(f, "kestra2");
            seed.task().put("source", Map.of("type", "kestra", "url", kestra.url(), "tenant", "main",
                    "username", FakeKestraServer.USER, "password", "{{ secret('KESTRA_PASSWORD') }}", "pageSize", 250));
            seed.exporters().add(new LinkedHashMap<>(Map.of("id", "splunk", "type", "io.kestra.plugin.ee.splunk.LogExporter",
                    "host", splunk.server.baseUrl(), "token", "{{ secret('SPLUNK_HEC_TOKEN') }}")));
            seed.exporters().add(new LinkedHashMap<>(Map.of("id", "graylog", "type", "io.kestra.plugin.ee.graylog.LogExporter",
                    "endpoint", graylog.server.baseUrl())));
            seed.exporters().add(new LinkedHashMap<>(Map.of("id", "syslog", "type", "io.kestra.plugin.ee.syslog.LogExporter",
                    "host", "127.0.0.1", "port", rsyslog.tcpPort, "protocol", "TCP")));
            Map<String, String> secrets = new HashMap<>(seed.secrets());
            secrets.put("KESTRA_PASSWORD", FakeKestraServer.PASSWORD);
            secrets.put("SPLUNK_HEC_TOKEN", SplunkHecIntake.TOKEN);

            Pass pass = f.runOnce(f.config(YAML.writeValueAsString(seed.flow()), secrets));

            assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
            List<String> fifteen = new java.util.ArrayList<>(SEED_EXPORTERS);
            fifteen.addAll(List.of("splunk", "graylog", "syslog"));
            assertThat(pass.exporterIds()).containsExactlyElementsOf(fifteen);
            assertEachOfTheTwelveHolds(f, "kestra2", expected);
            assertThat(splunk.acceptedIds()).containsExactlyElementsOf(expected);
            assertThat(graylog.acceptedIds()).containsExactlyElementsOf(expected);
            java.util.Set<String> ids = java.util.Set.copyOf(expected);
            assertThat(rsyslog.await("tcp", line -> ids.stream().anyMatch(line::contains), expected.size()))
                    .extracting(line -> CefLine.parse(line).extension().get("externalId"))
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(kestra.http.violations()).isEmpty();
            assertThat(splunk.server.violations()).isEmpty();
            assertThat(graylog.server.violations()).isEmpty();
            // Only the 2.0 search parameters reached the server (a 2.x server refuses the 1.x ones).
            assertThat(kestra.searches()).isNotEmpty().allSatisfy(search -> {
                assertThat(search.params("filters[resources][IN]")).containsExactly("FLOW,EXECUTION");
                assertThat(search.params("startDate")).isEmpty();
            });
            // The offsets went to the server's KV store, under the flow's namespace.
            StoredOffsets stored = new KestraKvOffsetStore(new KestraApiClient(kestra.url(), "main", FakeKestraServer.USER,
                    FakeKestraServer.PASSWORD, null), "system", "auditLogShipperOffset").load();
            AuditLogRecord last = ShipperFixture.inShippingOrder(selected).get(selected.size() - 1);
            assertThat(fifteen).allSatisfy(id -> assertThat(stored.of(id)).contains(last.offset()));
        } finally {
            splunk.server.close();
            graylog.server.close();
        }
    }

    /** The audit log ids in NDJSON objects, each line counted. */
    private static List<String> ids(Stream<byte[]> objects) {
        return objects.flatMap(content -> new String(content, StandardCharsets.UTF_8).lines()).map(ShipperFixture::idOf).toList();
    }
}
