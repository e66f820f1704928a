package io.auditshipper.exporter.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.integrity.DocumentHash;
import io.auditshipper.exporter.integrity.Sha256;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.SearchNode;
import io.auditshipper.support.SecuredFront;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Elasticsearch and OpenSearch exporters through the pipeline and camel-elasticsearch /
 * camel-opensearch, against real nodes (Elasticsearch 8.19 and OpenSearch 2.19 from Maven Central) on
 * 127.0.0.1: every log indexed once under its audit id, a replay overwriting, bulk items read one by one.
 */
class SearchExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, SearchNode> NODES = Map.of(
            "elasticsearch", SearchNode.elasticsearch(), "opensearch", SearchNode.opensearch());
    private static final Map<String, String> TYPES = Map.of(
            "elasticsearch", "io.kestra.plugin.ee.elasticsearch.LogExporter",
            "opensearch", "io.kestra.plugin.ee.opensearch.LogExporter");
    private static int indexes;

    @TempDir
    Path dir;

    @AfterAll
    static void stop() throws Exception {
        for (SearchNode node : NODES.values()) {
            node.close();
        }
    }

    private static String exporterYaml(String engine, String index, String hosts) {
        return "  - id: search\n    type: " + TYPES.get(engine) + "\n    indexName: " + index + "\n    chunk: 400\n"
                + "    connection:\n      hosts:\n        - " + hosts + "\n      headers:\n        - \"X-Shipper-Test: yes\"\n";
    }

    private Pass ship(ShipperFixture f, String exporters) throws Exception {
        return f.runOnce(f.config(f.taskWith(exporters).replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void indexesEveryLogOnceUnderItsAuditIdAndAReplayOverwrites(String engine) throws Exception {
        SearchNode node = NODES.get(engine);
        String index = "kestra-logs-" + (++indexes);
        // Runs of logs sharing one timestamp: a timestamp _id (Kestra's) would keep one per run.
        DemoAuditLogs demo = new DemoAuditLogs(81);
        List<AuditLogTable.Row> rows = new ArrayList<>();
        for (int i = 0; i < 2_345; i++) {
            rows.add(demo.row(NOW.minus(Duration.ofHours(3)).plusSeconds(i / 5)));
        }
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);

        Pass pass = ship(f, exporterYaml(engine, index, node.url()));

        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        Map<String, JsonNode> documents = node.documents(index);
        assertThat(documents).hasSize(2_345);
        for (AuditLogRecord record : ShipperFixture.inShippingOrder(rows)) {
            assertThat(documents.get(record.id())).as(record.id()).isEqualTo(JSON.readTree(record.json()));
        }

        Files.delete(dir.resolve("state/test.json"));
        Pass replay = ship(f, exporterYaml(engine, index, node.url()));

        assertThat(replay.shipped("search")).isEqualTo(2_345);
        assertThat(node.documents(index)).hasSize(2_345);
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void tamperEvidentDocumentsCarryTheirRecordsHashAndAnEditedDocumentIsDetected(String engine) throws Exception {
        SearchNode node = NODES.get(engine);
        String index = "kestra-logs-" + (++indexes);
        List<AuditLogTable.Row> rows = new DemoAuditLogs(85).rows(120, NOW.minus(Duration.ofHours(3)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);

        Pass pass = ship(f, exporterYaml(engine, index, node.url()) + "    tamperEvident: true\n");

        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        Map<String, JsonNode> documents = node.documents(index);
        assertThat(documents).hasSize(120);
        for (AuditLogRecord record : ShipperFixture.inShippingOrder(rows)) {
            ObjectNode document = (ObjectNode) documents.get(record.id()).deepCopy();
            assertThat(document.remove("shipper.sha256").asText()).isEqualTo(Sha256.of(record.json().getBytes(StandardCharsets.UTF_8)));
            assertThat(document).isEqualTo(JSON.readTree(record.json()));
            assertThat(DocumentHash.verify(node.get("/" + index + "/_source/" + record.id()).body())).isEqualTo(DocumentHash.Verdict.OK);
        }
        // The engine's dynamic mapping took the dotted field as shipper.sha256.
        JsonNode mapping = JSON.readTree(node.get("/" + index + "/_mapping").body()).path(index).path("mappings").path("properties");
        assertThat(mapping.path("shipper").path("properties").path("sha256").path("type").asText()).isEqualTo("text");

        // Someone with write access changes who did it, keeping the hash.
        String id = ShipperFixture.inShippingOrder(rows).get(7).id();
        String source = node.get("/" + index + "/_source/" + id).body();
        String userId = documents.get(id).path("userId").asText();
        assertThat(node.put("/" + index + "/_doc/" + id + "?refresh=true", source.replace("\"userId\":\"" + userId + "\"",
                "\"userId\":\"someone-else\"")).statusCode()).isEqualTo(200);
        assertThat(DocumentHash.verify(node.get("/" + index + "/_source/" + id).body())).isEqualTo(DocumentHash.Verdict.EDITED);
        // ... or through the engine's partial update, or drops the hash.
        String other = ShipperFixture.inShippingOrder(rows).get(8).id();
        assertThat(node.post("/" + index + "/_update/" + other + "?refresh=true", "{\"doc\":{\"userId\":\"someone-else\"}}")
                .statusCode()).isEqualTo(200);
        assertThat(DocumentHash.verify(node.get("/" + index + "/_source/" + other).body())).isNotEqualTo(DocumentHash.Verdict.OK);
        assertThat(DocumentHash.verify(source.replaceAll(",\"shipper\\.sha256\":\"[0-9a-f]{64}\"", "")))
                .isEqualTo(DocumentHash.Verdict.NO_HASH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void aDocumentTheIndexRejectsIsDeadLetteredWithTheReasonAndTheRestIsIndexed(String engine) throws Exception {
        SearchNode node = NODES.get(engine);
        String index = "kestra-logs-" + (++indexes);
        assertThat(node.put("/" + index, "{\"mappings\":{\"properties\":{\"ipAddress\":{\"type\":\"ip\"}}}}").statusCode()).isEqualTo(200);
        DemoAuditLogs demo = new DemoAuditLogs(82);
        List<AuditLogTable.Row> rows = new ArrayList<>(demo.rows(900, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(60)));
        List<String> rejected = new ArrayList<>();
        for (int i = 100; i < 900; i += 250) {
            AuditLogTable.Row row = rows.get(i);
            ObjectNode json = (ObjectNode) JSON.readTree(row.log().json());
            json.put("ipAddress", "not-an-ip-address");
            rows.set(i, new AuditLogTable.Row(new AuditLogRecord(row.log().id(), row.log().timestamp(), json.toString()),
                    row.tenant(), row.namespace(), row.resource()));
            rejected.add(row.log().id());
        }
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);

        Pass pass = ship(f, exporterYaml(engine, index, node.url()));

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(node.documents(index)).hasSize(900 - rejected.size()).doesNotContainKeys(rejected.toArray(String[]::new));
        List<String> parked = Files.readAllLines(dir.resolve("dead-letter/search.ndjson"));
        assertThat(parked).hasSize(rejected.size());
        for (String line : parked) {
            JsonNode entry = JSON.readTree(line);
            assertThat(rejected).contains(entry.path("id").asText());
            // Elasticsearch 8 says document_parsing_exception, OpenSearch mapper_parsing_exception.
            assertThat(entry.path("reason").asText()).startsWith("HTTP 400 ").contains("parsing_exception").contains("ipAddress");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void itemsRefusedForNowAreRetriedUntilTheIndexTakesThem(String engine) throws Exception {
        SearchNode node = NODES.get(engine);
        String index = "kestra-logs-" + (++indexes);
        // The flood-stage disk block: bulk items answer 429 until it is lifted.
        assertThat(node.put("/" + index, "{\"settings\":{\"index.blocks.read_only_allow_delete\":true}}").statusCode()).isEqualTo(200);
        List<AuditLogTable.Row> rows = new DemoAuditLogs(83).rows(500, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        // The block is lifted while the exporter waits to retry: the first attempt was refused, a retry is taken.
        f.retryWaits.onEachWait(() -> {
            try {
                node.put("/" + index + "/_settings", "{\"index.blocks.read_only_allow_delete\":null}");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        Pass pass = f.runOnce(f.config(f.taskWith(exporterYaml(engine, index, node.url()))
                .replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n")));

        assertThat(f.retryWaits.waits()).as("one retry, after the backoff's first delay").hasSize(1);
        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        assertThat(node.documents(index)).hasSize(500);
        assertThat(dir.resolve("dead-letter/search.ndjson")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void anUnreachableClusterFailsThisExporterOnlyAndItCatchesUpLater(String engine) throws Exception {
        SearchNode node = NODES.get(engine);
        String index = "kestra-logs-" + (++indexes);
        List<AuditLogTable.Row> rows = new DemoAuditLogs(84).rows(700, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);

        Pass down = ship(f, exporterYaml(engine, index, "http://127.0.0.1:1"));

        assertThat(down.failures()).containsOnlyKeys("search");
        assertThat(down.shipped("file")).isEqualTo(700);

        f.clock.advance(Duration.ofHours(1));
        Pass up = ship(f, exporterYaml(engine, index, node.url()));

        assertThat(up.allSucceeded()).isTrue();
        assertThat(up.shipped("search")).isEqualTo(700);
        assertThat(up.shipped("file")).isZero();
        assertThat(node.documents(index)).hasSize(700);
    }

    /** {@link #exporterYaml} with the rest of the connection block: path prefix, TLS verification, basic auth. */
    private static String securedExporterYaml(String engine, String index, String url, boolean trustAllSsl) {
        return exporterYaml(engine, index, url) + "      pathPrefix: /search\n      trustAllSsl: " + trustAllSsl + "\n"
                + "      basicAuth:\n        username: kestra_user\n        password: \"{{ secret('ES_PASSWORD') }}\"\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void overHttpsTheCertificateIsVerifiedUnlessTrustAllSslAndBasicAuthHeadersAndPathPrefixReachTheCluster(String engine)
            throws Exception {
        SearchNode node = NODES.get(engine);
        String index = "kestra-logs-" + (++indexes);
        String password = "es-password-" + engine;
        List<AuditLogTable.Row> rows = new DemoAuditLogs(84).rows(1_200, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        try (SecuredFront front = new SecuredFront(node.url(), "/search", "kestra_user", password)) {
            String task = f.taskWith(securedExporterYaml(engine, index, front.url(), false))
                    .replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n");

            Pass verified = f.runOnce(f.config(task, Map.of("ES_PASSWORD", password)));

            // Off by default: the self-signed certificate is refused at once (no retries), with the fix.
            assertThat(verified.failures()).containsOnlyKeys("search");
            assertThat(verified.failures().get("search")).contains("TLS certificate of").contains("is not trusted")
                    .contains("connection.trustAllSsl").doesNotContain(password);
            assertThat(front.requests()).isEmpty();

            Pass wrongPassword = f.runOnce(f.config(task.replace("trustAllSsl: false", "trustAllSsl: true"),
                    Map.of("ES_PASSWORD", "not-the-" + password)));

            assertThat(wrongPassword.failures()).containsOnlyKeys("search");
            assertThat(wrongPassword.failures().get("search")).contains("answered 401").contains("connection.basicAuth")
                    .doesNotContain("not-the-" + password);

            Pass trusted = f.runOnce(f.config(task.replace("trustAllSsl: false", "trustAllSsl: true"),
                    Map.of("ES_PASSWORD", password)));

            assertThat(trusted.allSucceeded()).as(String.valueOf(trusted.failures())).isTrue();
            assertThat(node.documents(index).keySet()).containsExactlyInAnyOrderElementsOf(ShipperFixture.idsInShippingOrder(rows));
            String basic = "Basic " + Base64.getEncoder().encodeToString(("kestra_user:" + password).getBytes(StandardCharsets.UTF_8));
            assertThat(front.requests()).filteredOn(r -> basic.equals(r.header("Authorization"))).isNotEmpty()
                    .allSatisfy(r -> {
                        assertThat(r.path()).startsWith("/search/");
                        assertThat(r.header("X-Shipper-Test")).isEqualTo("yes");
                    });
        }
    }

    /** The exporter failed for the pass naming the URL, the status and the fix, parked nothing and kept its offset. */
    private void assertRefusedAsAWhole(Pass pass, String url, String status, List<AuditLogTable.Row> rows) {
        assertThat(pass.failures()).containsOnlyKeys("search");
        assertThat(pass.failures().get("search")).contains(url).contains("answered " + status)
                .contains("connection.pathPrefix").doesNotContain("NullPointerException");
        assertThat(pass.order().compare(pass.offsetOf("search"), ShipperFixture.inShippingOrder(rows).get(0).offset())).as("offset before the first log").isNegative();
        assertThat(pass.offsetOf("file")).isEqualTo(ShipperFixture.inShippingOrder(rows).get(rows.size() - 1).offset());
        assertThat(dir.resolve("dead-letter/search.ndjson")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void aBulkRefusedAsAWholeStopsTheExporterNamingTheFixAndParksNoRecord(String engine) throws Exception {
        SearchNode node = NODES.get(engine);
        String index = "kestra-logs-" + (++indexes);
        List<AuditLogTable.Row> rows = new DemoAuditLogs(85).rows(900, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(60));
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        // The node itself under a wrong path prefix: it answers 4xx with its own JSON error for the whole request.
        Pass wrongPrefix = ship(f, exporterYaml(engine, index, node.url()) + "      pathPrefix: /wrong\n");

        assertRefusedAsAWhole(wrongPrefix, node.url() + "/wrong/" + index + "/_bulk", "4", rows);

        // A reverse proxy that routes only /search answers 404 in plain text.
        try (SecuredFront front = new SecuredFront(node.url(), "/search", "kestra_user", "es-password")) {
            String task = f.taskWith(securedExporterYaml(engine, index, front.url(), true).replace("pathPrefix: /search", "pathPrefix: /elsewhere"))
                    .replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n");
            f.clock.advance(Duration.ofHours(1));

            Pass proxied = f.runOnce(f.config(task, Map.of("ES_PASSWORD", "es-password")));

            assertRefusedAsAWhole(proxied, front.url() + "/elsewhere/" + index + "/_bulk", "404", rows);
            assertThat(front.requests()).as("not retried, not split").hasSize(1);
        }
    }
}
