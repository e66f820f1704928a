package io.auditshipper;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.logging.v2.LogEntry;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.azure.FakeAzureMonitor;
import io.auditshipper.exporter.cloudwatch.FakeCloudWatchLogs;
import io.auditshipper.exporter.datadog.DatadogIntake;
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

    @Test
    @SuppressWarnings("unchecked")
    void theSeedFlowShipsToEveryExporterInOnePass() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> rows = new DemoAuditLogs(91).rows(3_000, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(30));
        f.insert(rows);
        List<String> expected = ShipperFixture.idsInShippingOrder(rows.stream()
                .filter(r -> r.resource().equals("FLOW") || r.resource().equals("EXECUTION")).toList());

        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, Object> flow = yaml.readValue(SeedFlow.withRegionVariable(), LinkedHashMap.class);
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
        S3.createBucket("logbucket");
        byId.get("S3LogExporter").putAll(Map.of("endpointOverride", S3.endpoint().toString(),
                "accessKeyId", S3.accessKey(), "secretKeyId", "{{ secret('S3PROXY_SECRET') }}"));
        GCS.createBucket("my-bucket");
        byId.get("gcs").put("endpoint", GCS.endpoint());
        // Azurite takes no Entra ID token: the seed's endpoint and client credentials give way to its connection string.
        AZURITE.createContainer("logs");
        List.of("endpoint", "tenantId", "clientId", "clientSecret").forEach(byId.get("azureBlobStorage")::remove);
        byId.get("azureBlobStorage").put("connectionString", "{{ secret('AZURITE_CONNECTION_STRING') }}");
        // The nodes run without security: the seed's basic auth is sent and ignored.
        ((Map<String, Object>) byId.get("elasticsearch").get("connection")).put("hosts", List.of(ELASTICSEARCH.url()));
        ((Map<String, Object>) byId.get("opensearch").get("connection")).put("hosts", List.of(OPENSEARCH.url()));
        Map<String, String> secrets = new HashMap<>(SeedFlow.SECRETS);
        secrets.put("S3PROXY_SECRET", S3.secretKey());
        secrets.put("AZURITE_CONNECTION_STRING", AZURITE.connectionString());
        task.put("source", Map.of("type", "jdbc", "url", f.url, "table", f.table, "pageSize", 700));
        task.put("offsetStore", Map.of("type", "file", "directory", dir.resolve("state").toString()));
        task.put("deadLetterDirectory", dir.resolve("dead-letter").toString());

        Pass pass = f.runOnce(f.config(yaml.writeValueAsString(flow), secrets));

        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        assertThat(pass.exporterIds()).containsExactly("file", "awsCloudWatch", "S3LogExporter", "googleOperationalSuite",
                "gcs", "azureMonitor", "azureBlobStorage", "datadog", "elasticsearch", "opensearch", "newRelic", "openTelemetry");
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(expected);
        assertThat(datadog.acceptedIds()).containsExactlyElementsOf(expected);
        assertThat(newRelic.acceptedIds()).containsExactlyElementsOf(expected);
        assertThat(otlp.accepted).extracting(log -> OtlpCollector.attribute(log, "kestra.audit.id")).containsExactlyElementsOf(expected);
        assertThat(cloudWatch.events).extracting(e -> ShipperFixture.idOf(e.path("message").asText()))
                .containsExactlyElementsOf(expected);
        assertThat(cloudLogging.entries).extracting(LogEntry::getInsertId).containsExactlyElementsOf(expected);
        assertThat(azureMonitor.logs).extracting(l -> l.path("id").asText()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ids(S3.listKeys("logbucket").stream().map(key -> S3.read("logbucket", key).content())))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ids(GCS.objects("my-bucket").stream().map(name -> GCS.read("my-bucket", name).content())))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ids(AZURITE.listBlobs("logs").stream().map(name -> AZURITE.read("logs", name).content())))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ELASTICSEARCH.documents("kestra-logs").keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(OPENSEARCH.documents("kestra-logs").keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(GCS.violations()).isEmpty();
        assertThat(datadog.server.violations()).isEmpty();
        assertThat(newRelic.http.violations()).isEmpty();
        assertThat(otlp.http.violations()).isEmpty();
        assertThat(cloudWatch.http.violations()).isEmpty();
        assertThat(cloudLogging.violations).isEmpty();
        assertThat(azureMonitor.https.violations()).isEmpty();
    }

    /** The audit log ids in NDJSON objects, each line counted. */
    private static List<String> ids(Stream<byte[]> objects) {
        return objects.flatMap(content -> new String(content, StandardCharsets.UTF_8).lines()).map(ShipperFixture::idOf).toList();
    }
}
