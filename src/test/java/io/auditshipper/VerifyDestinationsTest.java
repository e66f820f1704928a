package io.auditshipper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.model.Offset;
import io.auditshipper.source.AuditLogSource;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.source.Sources;
import io.auditshipper.support.AzuriteServer;
import io.auditshipper.support.FakeGcsServer;
import io.auditshipper.support.S3Server;
import io.auditshipper.support.SearchNode;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --verify} against the real stores the exporters ship to (S3Proxy, Azurite, the strict GCS server, an
 * Elasticsearch and an OpenSearch node): after a shipping run nothing is missing; once a log is taken out of each,
 * another's content stored a second time and a log the source never held added, each is reported by id.
 * {@code verifyBeforeDelete}: a log missing at one readable destination is not deleted, nor anything after it.
 */
class VerifyDestinationsTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STRANGER = "0notFromTheSource";

    private static final S3Server S3 = new S3Server();
    private static final AzuriteServer AZURITE = new AzuriteServer();
    private static final FakeGcsServer GCS = new FakeGcsServer();
    private static final SearchNode ELASTICSEARCH = SearchNode.elasticsearch();
    private static final SearchNode OPENSEARCH = SearchNode.opensearch();
    private static int buckets;

    @TempDir
    Path dir;

    @AfterAll
    static void stopServers() throws Exception {
        S3.close();
        AZURITE.close();
        GCS.close();
        ELASTICSEARCH.close();
        OPENSEARCH.close();
    }

    /** Where an exporter's objects are, to read and change them as someone with access to the store would. */
    private record ObjectStore(String bucket, boolean gzip, Lister lister, Reader reader, Writer writer) {
        interface Lister {
            List<String> names(String bucket);
        }

        interface Reader {
            byte[] read(String bucket, String name);
        }

        interface Writer {
            void write(String bucket, String name, byte[] content);
        }

        List<String> lines(String name) {
            byte[] stored = reader.read(bucket, name);
            try {
                byte[] plain = gzip ? new GZIPInputStream(new ByteArrayInputStream(stored)).readAllBytes() : stored;
                return new String(plain, StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void write(String name, List<String> lines) {
            byte[] plain = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream zipped = new GZIPOutputStream(out)) {
                zipped.write(plain);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            writer.write(bucket, name, gzip ? out.toByteArray() : plain);
        }
    }

    /** What was done to a destination: the id taken out, the id stored twice. */
    private record Tampered(String removed, String duplicated) {
    }

    @Test
    void reportsNothingMissingAfterShippingThenEachRemovedDuplicatedAndStrangerLogById() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(new DemoAuditLogs(17).rows(1_200, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(30)));
        String s3Bucket = bucket();
        S3.createBucket(s3Bucket);
        String gcsBucket = bucket();
        GCS.createBucket(gcsBucket);
        String container = bucket();
        AZURITE.createContainer(container);
        String index = bucket();
        ShipperConfig config = f.config(f.taskWith(
                "  - id: s3\n    type: io.kestra.plugin.ee.aws.s3.LogExporter\n    region: eu-west-1\n    bucket: " + s3Bucket
                        + "\n    accessKeyId: " + S3.accessKey() + "\n    secretKeyId: \"{{ secret('S3_SECRET') }}\""
                        + "\n    endpointOverride: " + S3.endpoint() + "\n    compression: GZIP\n    maxLinesPerFile: 300\n"
                        + "  - id: gcs\n    type: io.kestra.plugin.ee.gcp.gcs.LogExporter\n    projectId: my-project\n"
                        + "    bucket: " + gcsBucket + "\n    endpoint: " + GCS.endpoint() + "\n    maxLinesPerFile: 300\n"
                        + "  - id: azure\n    type: io.kestra.plugin.ee.azure.storage.LogExporter\n    containerName: "
                        + container + "\n    connectionString: \"{{ secret('AZURE_CONNECTION_STRING') }}\"\n"
                        + "  - id: elasticsearch\n    type: io.kestra.plugin.ee.elasticsearch.LogExporter\n    indexName: "
                        + index + "\n    connection:\n      hosts: [\"" + ELASTICSEARCH.url() + "\"]\n"
                        + "  - id: opensearch\n    type: io.kestra.plugin.ee.opensearch.LogExporter\n    indexName: "
                        + index + "\n    connection:\n      hosts: [\"" + OPENSEARCH.url() + "\"]\n"
                        + "  - id: datadog\n    type: io.kestra.plugin.ee.datadog.LogExporter\n    basePath: http://127.0.0.1:9\n"
                        + "    apiKey: key\n"),
                Map.of("S3_SECRET", S3.secretKey(), "AZURE_CONNECTION_STRING", AZURITE.connectionString()));
        // Datadog is push-only: it is only there to be reported skipped, and fails its pass (nothing listens on :9).
        Pass pass = f.runOnce(config);
        assertThat(pass.failures().keySet()).containsExactly("datadog");

        Run intact = verify(f, config);
        assertThat(intact.exit()).as(intact.output()).isZero();
        for (String exporter : List.of("file", "s3", "gcs", "azure", "elasticsearch", "opensearch")) {
            assertThat(section(intact.output(), exporter)).as(exporter).contains("expected   1200", "found      1200",
                    "missing    0", "duplicated 0", "extra      0", "OK");
        }
        assertThat(intact.output()).contains("verify datadog: io.kestra.plugin.ee.datadog.LogExporter is not readable, skipped");

        Map<String, Tampered> tampered = Map.of(
                "s3", tamper(new ObjectStore(s3Bucket, true, b -> S3.listKeys(b), (b, n) -> S3.read(b, n).content(), S3::write)),
                "gcs", tamper(new ObjectStore(gcsBucket, false, GCS::objects, (b, n) -> GCS.read(b, n).content(), GCS::write)),
                "azure", tamper(new ObjectStore(container, false, AZURITE::listBlobs, (b, n) -> AZURITE.read(b, n).content(),
                        AZURITE::write)),
                "elasticsearch", tamper(ELASTICSEARCH, index, 0),
                "opensearch", tamper(OPENSEARCH, index, 1));

        Run broken = verify(f, config);
        assertThat(broken.exit()).as(broken.output()).isEqualTo(1);
        tampered.forEach((exporter, done) -> assertThat(section(broken.output(), exporter)).as(exporter)
                .contains("expected   1200", "found      1199", "missing    1: " + done.removed(),
                        "duplicated 1: " + done.duplicated(), "extra      1: " + STRANGER, "FAILED: 1 missing"));
        assertThat(section(broken.output(), "file")).contains("missing    0");
    }

    /**
     * With {@code tamperEvident}, a record edited with its id intact (which the id counts pass) is found: in files and
     * objects by the manifest chain, in an index by the SHA-256 each document carries, on the source as stored.
     */
    @Test
    void aRecordEditedWithItsIdIntactIsFoundByTheChainAndByTheDocumentsHash() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(new DemoAuditLogs(18).rows(900, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(30)));
        String s3Bucket = bucket();
        S3.createBucket(s3Bucket);
        String index = bucket();
        ShipperConfig config = f.config(f.taskWith(f.fileExporterYaml("chained") + "    tamperEvident: true\n"
                        + "  - id: s3\n    type: io.kestra.plugin.ee.aws.s3.LogExporter\n    region: eu-west-1\n    bucket: " + s3Bucket
                        + "\n    accessKeyId: " + S3.accessKey() + "\n    secretKeyId: \"{{ secret('S3_SECRET') }}\""
                        + "\n    endpointOverride: " + S3.endpoint() + "\n    compression: GZIP\n    maxLinesPerFile: 300\n"
                        + "    tamperEvident: true\n"
                        + "  - id: elasticsearch\n    type: io.kestra.plugin.ee.elasticsearch.LogExporter\n    indexName: "
                        + index + "\n    tamperEvident: true\n    connection:\n      hosts: [\"" + ELASTICSEARCH.url() + "\"]\n"
                        + "  - id: opensearch\n    type: io.kestra.plugin.ee.opensearch.LogExporter\n    indexName: "
                        + index + "\n    tamperEvident: true\n    connection:\n      hosts: [\"" + OPENSEARCH.url() + "\"]\n"),
                Map.of("S3_SECRET", S3.secretKey()));
        assertThat(f.runOnce(config).allSucceeded()).isTrue();

        Run intact = verify(f, config);
        assertThat(intact.exit()).as(intact.output()).isZero();
        assertThat(section(intact.output(), "elasticsearch")).contains("edited     0", "OK");
        assertThat(section(intact.output(), "opensearch")).contains("edited     0", "OK");
        assertThat(section(intact.output(), "chained")).contains("OK: the chain is whole");
        assertThat(section(intact.output(), "s3")).contains("OK: the chain is whole");

        // The file exporter's first file and S3's first object: one line's user changed, its id kept.
        Path chainedFile;
        try (var files = java.nio.file.Files.list(Path.of(f.outputDirectory("chained")))) {
            chainedFile = files.filter(p -> p.getFileName().toString().endsWith(".ndjson")).sorted().findFirst().orElseThrow();
        }
        List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(chainedFile));
        lines.set(0, edited(lines.get(0)));
        java.nio.file.Files.write(chainedFile, lines);
        ObjectStore s3Objects = new ObjectStore(s3Bucket, true, b -> S3.listKeys(b), (b, n) -> S3.read(b, n).content(), S3::write);
        String key = S3.listKeys(s3Bucket).stream().filter(k -> k.endsWith(".ndjson.gz")).sorted().findFirst().orElseThrow();
        List<String> objectLines = new ArrayList<>(s3Objects.lines(key));
        objectLines.set(0, edited(objectLines.get(0)));
        s3Objects.write(key, objectLines);
        // Elasticsearch: an _update of one field; OpenSearch: the document indexed again with one value changed.
        String updated = new ArrayList<>(ELASTICSEARCH.documents(index).keySet()).get(3);
        assertThat(ELASTICSEARCH.post("/" + index + "/_update/" + updated + "?refresh=true",
                "{\"doc\":{\"userId\":\"mallory\"}}").statusCode()).isEqualTo(200);
        String reindexed = new ArrayList<>(OPENSEARCH.documents(index).keySet()).get(5);
        JsonNode source = OPENSEARCH.documents(index).get(reindexed);
        assertThat(OPENSEARCH.put("/" + index + "/_doc/" + reindexed + "?refresh=true", edited(source.toString()))
                .statusCode()).isEqualTo(200);

        Run broken = verify(f, config);
        assertThat(broken.exit()).as(broken.output()).isEqualTo(1);
        assertThat(section(broken.output(), "elasticsearch")).contains("found      900", "missing    0",
                "edited     1: " + updated, "FAILED: 1 edited");
        assertThat(section(broken.output(), "opensearch")).contains("found      900", "missing    0",
                "edited     1: " + reindexed, "FAILED: 1 edited");
        assertThat(section(broken.output(), "chained")).contains("missing    0", "EDITED_OBJECT " + chainedFile.getFileName(),
                "TAMPERED");
        assertThat(section(broken.output(), "s3")).contains("missing    0", "EDITED_OBJECT " + key, "TAMPERED");
    }

    /** The record with its userId changed, everything else (the id, the order of the fields) as it was. */
    private static String edited(String json) {
        try {
            return ((ObjectNode) JSON.readTree(json)).put("userId", "mallory").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void verifyBeforeDeleteKeepsALogMissingAtOneDestinationAndEverythingAfterIt() throws Exception {
        Tampered done = shipThenTakeOneLogOutOfS3AndDelete(true);
        List<String> left = sourceIds();
        // The missing log is the first one kept: everything before it was proven present and deleted.
        assertThat(left).isNotEmpty().startsWith(done.removed());
        assertThat(left).hasSize(expectedAfter(done));
    }

    @Test
    void withoutVerifyBeforeDeleteTheLogMissingAtADestinationIsDeleted() throws Exception {
        Tampered done = shipThenTakeOneLogOutOfS3AndDelete(false);
        assertThat(sourceIds()).isEmpty();
    }

    private ShipperFixture deleting;
    private List<String> shippedInOrder;

    /** Ships 900 logs without deleting, takes one out of S3, then ships 100 newer ones with delete: true. */
    private Tampered shipThenTakeOneLogOutOfS3AndDelete(boolean verifyBeforeDelete) throws Exception {
        deleting = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> older = new DemoAuditLogs(5).rows(900, NOW.minus(Duration.ofHours(3)), NOW.minus(Duration.ofHours(2)));
        List<AuditLogTable.Row> newer = new DemoAuditLogs(6).rows(100, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        shippedInOrder = new ArrayList<>(ShipperFixture.idsInShippingOrder(older));
        shippedInOrder.addAll(ShipperFixture.idsInShippingOrder(newer));
        deleting.insert(older);
        String bucket = bucket();
        S3.createBucket(bucket);
        String exporters = "  - id: s3\n    type: io.kestra.plugin.ee.aws.s3.LogExporter\n    region: eu-west-1\n    bucket: "
                + bucket + "\n    accessKeyId: " + S3.accessKey() + "\n    secretKeyId: \"{{ secret('S3_SECRET') }}\""
                + "\n    endpointOverride: " + S3.endpoint() + "\n    maxLinesPerFile: 200\n";
        Map<String, String> secrets = Map.of("S3_SECRET", S3.secretKey());
        String task = deleting.taskWith(exporters) + "lateArrivalWindow: PT0S\nlookbackPeriod: P1D\n";
        assertThat(deleting.runOnce(deleting.config(task, secrets)).allSucceeded()).isTrue();
        assertThat(deleting.countRows()).isEqualTo(900);

        Tampered done = takeOneLogOut(new ObjectStore(bucket, false, b -> S3.listKeys(b), (b, n) -> S3.read(b, n).content(),
                S3::write), 2);
        deleting.insert(newer);
        Pass pass = deleting.runOnce(deleting.config(task + "delete: true\nverifyBeforeDelete: " + verifyBeforeDelete + "\n",
                secrets));
        assertThat(pass.allSucceeded()).isTrue();
        return done;
    }

    /** The ids the source still holds, in shipping order. */
    private List<String> sourceIds() throws Exception {
        List<String> left = new ArrayList<>();
        try (AuditLogSource source = Sources.open(deleting.config(deleting.taskWith("")))) {
            for (var pages = source.read(Offset.before(Instant.EPOCH), NOW); pages.hasNext(); ) {
                pages.next().forEach(log -> left.add(log.id()));
            }
        }
        return left;
    }

    private int expectedAfter(Tampered done) {
        return shippedInOrder.size() - shippedInOrder.indexOf(done.removed());
    }

    /** Takes the last line out of the first object, and writes a second object: the first line again and a stranger. */
    private static Tampered tamper(ObjectStore store) {
        String first = store.lister().names(store.bucket()).stream().sorted().findFirst().orElseThrow();
        Tampered done = takeOneLogOut(store, 0);
        List<String> lines = store.lines(first);
        String copy = lines.get(0);
        String ext = store.gzip() ? ".ndjson.gz" : ".ndjson";
        store.write(first.replace(ext, "copy" + ext), List.of(copy, stranger(copy)));
        return new Tampered(done.removed(), ShipperFixture.idOf(copy));
    }

    /** Takes the last line out of the {@code nth} object (in name order); the id it held. */
    private static Tampered takeOneLogOut(ObjectStore store, int nth) {
        String name = store.lister().names(store.bucket()).stream().sorted().skip(nth).findFirst().orElseThrow();
        List<String> lines = new ArrayList<>(store.lines(name));
        String removed = lines.remove(lines.size() - 1);
        store.write(name, lines);
        return new Tampered(ShipperFixture.idOf(removed), null);
    }

    /** Deletes one document, indexes another's content under a second _id, and indexes a stranger. */
    private static Tampered tamper(SearchNode node, String index, int pick) throws IOException {
        List<String> ids = new ArrayList<>(node.documents(index).keySet());
        String removed = ids.get(pick);
        String duplicated = ids.get(pick + 10);
        JsonNode copy = node.documents(index).get(duplicated);
        assertThat(node.delete("/" + index + "/_doc/" + removed + "?refresh=true").statusCode()).isEqualTo(200);
        assertThat(node.put("/" + index + "/_doc/second-copy?refresh=true", copy.toString()).statusCode()).isEqualTo(201);
        assertThat(node.put("/" + index + "/_doc/" + STRANGER + "?refresh=true", stranger(copy.toString())).statusCode())
                .isEqualTo(201);
        return new Tampered(removed, duplicated);
    }

    /** The log with another id, same date: a log the source never held, inside the range. */
    private static String stranger(String line) {
        try {
            return ((ObjectNode) JSON.readTree(line)).put("id", STRANGER).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bucket() {
        return "verify-" + (++buckets);
    }

    private record Run(int exit, String output) {
    }

    private Run verify(ShipperFixture f, ShipperConfig config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit = new VerifyCommand(config, f.clock, print, print).run(List.of(), null, null);
        return new Run(exit, out.toString(StandardCharsets.UTF_8));
    }

    /** One exporter's report: from its "verify <id>:" line to the next exporter's. */
    private static String section(String output, String exporter) {
        int start = output.indexOf("verify " + exporter + ":");
        assertThat(start).as("report of " + exporter + " in\n" + output).isNotNegative();
        int end = output.indexOf("\nverify ", start + 1);
        return output.substring(start, end < 0 ? output.length() : end);
    }
}
