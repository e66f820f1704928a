package io.auditshipper.exporter.storage;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.azureblob.AzureBlobObjectStore;
import io.auditshipper.exporter.gcs.GcsObjectStore;
import io.auditshipper.exporter.integrity.ChainFinding;
import io.auditshipper.exporter.integrity.ManifestChain;
import io.auditshipper.exporter.s3.S3ObjectStore;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.AzuriteServer;
import io.auditshipper.support.FakeGcsServer;
import io.auditshipper.support.S3Server;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The S3, Azure Blob and GCS exporters through the pipeline and their Camel components, against S3Proxy
 * and Azurite (real servers on 127.0.0.1) and a local server speaking the GCS JSON API. Each ships a
 * backlog, reads every object back, and checks count, content, order and no duplicates after a forced replay.
 */
class ObjectStoreExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final String BUCKET = "logbucket";

    private static final S3Server S3 = new S3Server();
    private static final AzuriteServer AZURITE = new AzuriteServer();
    private static final FakeGcsServer GCS = new FakeGcsServer();
    private static int buckets;

    @TempDir
    Path dir;

    @AfterAll
    static void stop() throws Exception {
        S3.close();
        AZURITE.close();
        GCS.close();
    }

    /** One store: the exporter's YAML for a fresh bucket, and what the bucket holds, by object name. */
    private record Store(String yaml, String bucket, String kind) {

        static Store create(String kind, String extra) {
            String bucket = BUCKET + "-" + (++buckets);
            String yaml = switch (kind) {
                case "s3" -> {
                    S3.createBucket(bucket);
                    yield "    type: io.kestra.plugin.ee.aws.s3.LogExporter\n    region: eu-west-1\n    bucket: " + bucket
                            + "\n    accessKeyId: " + S3.accessKey() + "\n    secretKeyId: \"{{ secret('AWS_SECRET_KEY_ID') }}\""
                            + "\n    endpointOverride: " + S3.endpoint() + "\n";
                }
                case "azure" -> {
                    AZURITE.createContainer(bucket);
                    yield "    type: io.kestra.plugin.ee.azure.storage.LogExporter\n    containerName: " + bucket
                            + "\n    connectionString: \"{{ secret('AZURE_CONNECTION_STRING') }}\"\n";
                }
                case "gcs" -> {
                    GCS.createBucket(bucket);
                    yield "    type: io.kestra.plugin.ee.gcp.gcs.LogExporter\n    projectId: my-project\n    bucket: " + bucket
                            + "\n    endpoint: " + GCS.endpoint() + "\n";
                }
                default -> throw new IllegalArgumentException(kind);
            };
            return new Store("  - id: store\n" + yaml + extra, bucket, kind);
        }

        /** Every object: name to (bytes as stored, content type). */
        Map<String, Map.Entry<byte[], String>> objects() {
            Map<String, Map.Entry<byte[], String>> objects = new LinkedHashMap<>();
            switch (kind) {
                case "s3" -> S3.listKeys(bucket).stream().sorted().forEach(key -> {
                    S3Server.StoredObject object = S3.read(bucket, key);
                    objects.put(key, Map.entry(object.content(), object.contentType()));
                });
                case "azure" -> AZURITE.listBlobs(bucket).stream().sorted().forEach(name -> {
                    AzuriteServer.StoredBlob blob = AZURITE.read(bucket, name);
                    objects.put(name, Map.entry(blob.content(), blob.contentType()));
                });
                default -> GCS.objects(bucket).stream().sorted().forEach(name -> {
                    FakeGcsServer.StoredObject object = GCS.read(bucket, name);
                    objects.put(name, Map.entry(object.content(), object.contentType()));
                });
            }
            return objects;
        }
    }

    private Pass ship(ShipperFixture f, Store store) throws Exception {
        return f.runOnce(config(f, store));
    }

    private static ShipperConfig config(ShipperFixture f, Store store) {
        String task = f.taskWith(store.yaml()).replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n");
        return f.config(task, Map.of("AWS_SECRET_KEY_ID", S3.secretKey(), "AZURE_CONNECTION_STRING", AZURITE.connectionString()));
    }

    /** The exporter's store as its configuration builds it: what --verify reads the manifest chain through. */
    private static ObjectStore storeOf(ShipperFixture f, Store store) {
        ExporterConfig config = config(f, store).exporters().stream().filter(e -> e.id().equals("store")).findFirst().orElseThrow();
        return switch (store.kind()) {
            case "s3" -> S3ObjectStore.from(config);
            case "azure" -> AzureBlobObjectStore.from(config);
            default -> GcsObjectStore.from(config);
        };
    }

    private static List<String> lines(byte[] content, boolean gzip) {
        try {
            byte[] plain = gzip ? new GZIPInputStream(new ByteArrayInputStream(content)).readAllBytes() : content;
            return new String(plain, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "azure", "gcs"})
    void shipsABacklogIntoObjectsNamedAfterTheirFirstLogAndAReplayOverwritesThem(String kind) throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(71).rows(2_345, NOW.minus(Duration.ofDays(2)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        Store store = Store.create(kind, "    format: JSON\n    logFilePrefix: audit\n    maxLinesPerFile: 300\n");

        Pass pass = ship(f, store);

        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        Map<String, Map.Entry<byte[], String>> objects = store.objects();
        List<AuditLogRecord> expected = ShipperFixture.inShippingOrder(rows);
        Map<String, String> storedJson = new LinkedHashMap<>();
        expected.forEach(record -> storedJson.put(record.id(), record.json()));
        List<String> shipped = new ArrayList<>();
        objects.forEach((name, object) -> {
            List<String> lines = lines(object.getKey(), false);
            assertThat(lines).hasSizeBetween(1, 300);
            assertThat(name).startsWith("audit-").endsWith("-" + ShipperFixture.idOf(lines.get(0)) + ".ndjson");
            assertThat(object.getValue()).isEqualTo("application/x-ndjson");
            for (String line : lines) {
                assertThat(line).isEqualTo(storedJson.get(ShipperFixture.idOf(line)));
                shipped.add(ShipperFixture.idOf(line));
            }
        });
        assertThat(shipped).containsExactlyElementsOf(expected.stream().map(AuditLogRecord::id).toList());
        // Batches of 1000 cut into objects of at most 300: 4 objects a batch, 3 batches.
        assertThat(objects).hasSize(3 * 4 - 2);

        // Forced replay: the offsets are lost, the whole backlog is shipped again.
        Files.delete(dir.resolve("state/test.json"));
        Pass replay = ship(f, store);

        assertThat(replay.shipped("store")).isEqualTo(2_345);
        Map<String, Map.Entry<byte[], String>> after = store.objects();
        assertThat(after.keySet()).containsExactlyElementsOf(objects.keySet());
        List<String> shippedAgain = after.values().stream().flatMap(object -> lines(object.getKey(), false).stream())
                .map(ShipperFixture::idOf).toList();
        assertThat(shippedAgain).containsExactlyElementsOf(shipped).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "azure", "gcs"})
    void tamperEvidentWritesAManifestEntryPerObjectThatAReplayRewritesByteForByte(String kind) throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(75).rows(2_345, NOW.minus(Duration.ofDays(2)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        Store store = Store.create(kind, "    logFilePrefix: audit\n    maxLinesPerFile: 300\n    compression: GZIP\n"
                + "    tamperEvident: true\n");

        assertThat(ship(f, store).allSucceeded()).isTrue();

        Map<String, Map.Entry<byte[], String>> objects = store.objects();
        List<String> data = objects.keySet().stream().filter(name -> name.startsWith("audit-")).toList();
        assertThat(data).hasSize(10).allSatisfy(name -> assertThat(name).endsWith(".ndjson.gz"));
        assertThat(objects.keySet()).filteredOn(name -> name.startsWith("audit.manifest/")).hasSize(10)
                .allSatisfy(name -> assertThat(objects.get(name).getValue()).isEqualTo("application/json"));
        ObjectStore reader = storeOf(f, store);
        ManifestChain.Result intact = ManifestChain.check("audit", reader);
        assertThat(intact.findings()).isEmpty();
        assertThat(intact.entries()).isEqualTo(10);
        assertThat(intact.objects()).isEqualTo(10);

        // Forced replay: every object and every entry written again, in a new process, with the same bytes.
        Files.delete(dir.resolve("state/test.json"));
        assertThat(ship(f, store).shipped("store")).isEqualTo(2_345);
        Map<String, Map.Entry<byte[], String>> after = store.objects();
        assertThat(after.keySet()).containsExactlyElementsOf(objects.keySet());
        objects.forEach((name, object) -> assertThat(after.get(name).getKey()).as(name).isEqualTo(object.getKey()));
        assertThat(ManifestChain.check("audit", reader).headSha256()).isEqualTo(intact.headSha256());
        assertThat(GCS.violations()).isEmpty();

        if (kind.equals("s3")) {
            S3.delete(store.bucket(), data.get(6));
            assertThat(ManifestChain.check("audit", reader).findings()).extracting(ChainFinding::kind, ChainFinding::name)
                    .containsExactly(tuple(ChainFinding.Kind.MISSING_OBJECT, data.get(6)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "azure", "gcs"})
    void gzipWritesPlainGzipArchives(String kind) throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(72).rows(500, NOW.minus(Duration.ofHours(5)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        Store store = Store.create(kind, "    compression: GZIP\n");

        assertThat(ship(f, store).allSucceeded()).isTrue();

        Map<String, Map.Entry<byte[], String>> objects = store.objects();
        assertThat(objects).hasSize(1);
        Map.Entry<String, Map.Entry<byte[], String>> object = objects.entrySet().iterator().next();
        assertThat(object.getKey()).startsWith("kestra-log-file-").endsWith(".ndjson.gz");
        assertThat(object.getValue().getValue()).isEqualTo("application/gzip");
        assertThat(lines(object.getValue().getKey(), true).stream().map(ShipperFixture::idOf).toList())
                .containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
    }

    @Test
    void aFailedUploadIsRetriedAndShippedOnce() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(73).rows(1_500, NOW.minus(Duration.ofHours(5)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        Store store = Store.create("gcs", "");
        GCS.failNext(FakeGcsServer.Upload.RESUMABLE_START, 2, 503);

        Pass pass;
        double retries;
        try (io.auditshipper.ShipperApp app = f.app(f.config(f.taskWith(store.yaml())
                .replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n")))) {
            pass = app.runOnce();
            retries = app.meters().get("kestra.shipper.retries").tag("exporter", "store").counter().count();
        }

        assertThat(pass.allSucceeded()).isTrue();
        // The two 503s were retried and counted, not absorbed by the client uncounted: the first came in the stream
        // shared with the file exporter (one attempt there), so the exporter's catch-up sent the batch again (one
        // retry), where the second 503 was retried by its retry policy; each after the task's backoff (0.05 s, up to
        // 25% jitter).
        assertThat(retries).isEqualTo(2);
        assertThat(f.retryWaits.waits()).hasSize(2)
                .allSatisfy(wait -> assertThat(wait).isBetween(Duration.ofMillis(50), Duration.ofMillis(62)));
        assertThat(store.objects().values().stream().flatMap(object -> lines(object.getKey(), false).stream())
                .map(ShipperFixture::idOf).toList()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(GCS.violations()).isEmpty();
    }

    /** Uploads that reached the store's server for this bucket (S3 counted by the SDK, the others by the server). */
    private static long uploadsTo(Store store) {
        return switch (store.kind()) {
            case "s3" -> io.auditshipper.support.AwsRequestCounter.sent("S3", "PutObject");
            case "azure" -> AZURITE.requests("PUT", "/" + store.bucket() + "/");
            default -> GCS.requests().stream().filter(r -> r.path().startsWith("/upload/")).count();
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "azure", "gcs"})
    void rejectedCredentialsFailTheExporterAtTheFirstAnswerWithoutMovingItsOffsetWhileTheOthersShip(String kind) throws Exception {
        DemoAuditLogs demo = new DemoAuditLogs(74);
        List<AuditLogTable.Row> shippedBefore = demo.rows(50, NOW.minus(Duration.ofHours(8)), NOW.minus(Duration.ofHours(6)));
        List<AuditLogTable.Row> rows = demo.rows(300, NOW.minus(Duration.ofHours(5)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(shippedBefore);
        Store store = Store.create(kind, "");
        // A first pass with the right credentials: the exporter's stored offset is at the last of these 50.
        assertThat(ship(f, store).allSucceeded()).isTrue();
        Offset storedBefore = storedOffset("store");
        assertThat(storedBefore).isEqualTo(ShipperFixture.inShippingOrder(shippedBefore).get(49).offset());
        Map<String, Map.Entry<byte[], String>> objectsBefore = store.objects();
        f.insert(rows);
        String task = f.taskWith(store.yaml()).replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n")
                // S3: a key id S3 does not know (403 InvalidAccessKeyId).
                .replace("accessKeyId: " + S3.accessKey(), "accessKeyId: AKIANOTAKEYATALL0000");
        String wrongAzureKey = java.util.Base64.getEncoder().encodeToString("not-the-account-key-000000000000".getBytes());
        GCS.failNext(FakeGcsServer.Upload.MULTIPART, 100, 403);
        GCS.failNext(FakeGcsServer.Upload.RESUMABLE_START, 100, 403);
        long before = uploadsTo(store);

        Pass pass;
        try {
            pass = f.runOnce(f.config(task, Map.of("AWS_SECRET_KEY_ID", "not-the-secret-key",
                    "AZURE_CONNECTION_STRING", AZURITE.connectionString().replace(AzuriteServer.KEY, wrongAzureKey))));
        } finally {
            GCS.failNext(FakeGcsServer.Upload.MULTIPART, 0, 403);
            GCS.failNext(FakeGcsServer.Upload.RESUMABLE_START, 0, 403);
        }

        assertThat(pass.failures()).containsOnlyKeys("store");
        String property = switch (kind) {
            case "s3" -> "accessKeyId";
            case "azure" -> "connectionString";
            default -> "serviceAccount";
        };
        assertThat(pass.failures().get("store")).contains("403").contains(property)
                .doesNotContain("not-the-secret-key").doesNotContain(wrongAzureKey);
        assertThat(uploadsTo(store) - before).as("one upload, not retried").isEqualTo(1);
        assertThat(pass.shipped("file")).isEqualTo(300);
        assertThat(pass.order().compare(pass.offsetOf("store"), ShipperFixture.inShippingOrder(rows).get(0).offset())).as("offset before the first log").isNegative();
        // What is stored, not only what the pass says: the failed exporter's offset did not move, the other's did.
        assertThat(storedOffset("store")).as("the failed exporter's stored offset").isEqualTo(storedBefore);
        assertThat(storedOffset("file")).isEqualTo(ShipperFixture.inShippingOrder(rows).get(299).offset());
        assertThat(store.objects().keySet()).containsExactlyElementsOf(objectsBefore.keySet());
    }

    /** The exporter's offset as the offset store holds it (the file store of the fixture's task, key "test"). */
    private Offset storedOffset(String exporterId) throws IOException {
        return StoredOffsets.fromJson(Files.readString(dir.resolve("state/test.json")), "test").of(exporterId).orElseThrow();
    }
}
