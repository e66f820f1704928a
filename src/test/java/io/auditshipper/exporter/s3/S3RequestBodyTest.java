package io.auditshipper.exporter.s3;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.integrity.ManifestChain;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.LateTailRelay;
import io.auditshipper.support.S3Server;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every S3 upload is a request S3 reads to its last byte before answering. S3Proxy answers an aws-chunked upload once
 * it has the object's bytes, before the trailing checksum lines, and then drops the kept-alive connection the late
 * lines arrive on; the JDK's HttpURLConnection reuses the dropped connection and the next upload fails ("Error writing
 * request body to server"). Under load that happened to the manifest entries of gzipped objects; the relay here delays
 * the last bytes of every write, so it happens every time to a request whose body does not end where S3 stops reading.
 */
class S3RequestBodyTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final String BUCKET = "audit-bucket";

    @TempDir
    Path dir;

    @Test
    void gzippedObjectsAndTheirManifestEntriesAllReachS3WhenTheLastBytesOfEachRequestArriveLate() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(76).rows(2_345, NOW.minus(Duration.ofDays(2)), NOW.minusSeconds(60));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        try (S3Server s3 = new S3Server(); LateTailRelay network = new LateTailRelay(s3.endpoint())) {
            s3.createBucket(BUCKET);
            String exporter = "  - id: store\n    type: io.kestra.plugin.ee.aws.s3.LogExporter\n    region: eu-west-1\n"
                    + "    bucket: " + BUCKET + "\n    accessKeyId: " + s3.accessKey()
                    + "\n    secretKeyId: \"{{ secret('AWS_SECRET_KEY_ID') }}\"\n    endpointOverride: " + network.endpoint()
                    + "\n    logFilePrefix: audit\n    maxLinesPerFile: 300\n    compression: GZIP\n    tamperEvident: true\n";
            ShipperConfig config = f.config(f.taskWith(exporter).replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n"),
                    Map.of("AWS_SECRET_KEY_ID", s3.secretKey()));

            Pass pass = f.runOnce(config);

            assertThat(pass.failures()).isEmpty();
            assertThat(pass.shipped("store")).isEqualTo(2_345);
            List<String> keys = s3.listKeys(BUCKET);
            List<String> objects = keys.stream().filter(key -> key.startsWith("audit-")).toList();
            // Batches of 1000 cut into objects of at most 300: 4 objects a batch, 3 batches, the last of 345 logs.
            assertThat(objects).hasSize(10).allSatisfy(key -> assertThat(key).endsWith(".ndjson.gz"));
            assertThat(keys.stream().filter(key -> key.startsWith("audit.manifest/"))).hasSize(10);
            assertThat(objects.stream().flatMap(key -> gunzippedLines(s3.read(BUCKET, key).content()).stream())
                    .map(ShipperFixture::idOf).toList()).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
            ExporterConfig store = config.exporters().stream().filter(e -> e.id().equals("store")).findFirst().orElseThrow();
            ManifestChain.Result chain = ManifestChain.check("audit", S3ObjectStore.from(store));
            assertThat(chain.findings()).isEmpty();
            assertThat(chain.entries()).isEqualTo(10);
            assertThat(chain.objects()).isEqualTo(10);
            assertThat(network.connectionsClosedByServer()).as("kept-alive connections S3 dropped").isZero();
        }
    }

    private static List<String> gunzippedLines(byte[] gzipped) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
