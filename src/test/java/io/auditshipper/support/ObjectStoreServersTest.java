package io.auditshipper.support;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import io.auditshipper.support.FakeGcsServer.Upload;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each object store server against its vendor's official Java client: bucket, two objects (one gzip, large
 * enough to take several chunks or blocks), list and read back, on the client's side and the server's.
 */
class ObjectStoreServersTest {

    private static final String BUCKET = "audit-logs";
    private static final String PLAIN = "2024/05/01/part-0001.jsonl";
    private static final String GZIP = "2024/05/01/part-0002.jsonl.gz";
    private static final String NDJSON = "application/x-ndjson";
    private static final byte[] PLAIN_CONTENT = "{\"id\":1}\n{\"id\":2}\n".getBytes(StandardCharsets.UTF_8);
    /** About 2 MB of lines, some 1 MB gzipped: several S3 chunks, GCS resumable granules and Azure blocks. */
    private static final byte[] GZIP_CONTENT = gzip(IntStream.range(0, 20_000)
            .mapToObj(i -> "{\"id\":" + i + ",\"a\":\"" + UUID.randomUUID() + "\",\"b\":\"" + UUID.randomUUID()
                    + "\"}\n")
            .collect(Collectors.joining()).getBytes(StandardCharsets.UTF_8));

    @Test
    void s3ProxyTakesTheAwsSdkUploads() throws Exception {
        try (S3Server s3 = timed("S3Proxy", S3Server::new);
             S3Client client = s3Client(s3, s3.secretKey());
             S3Client wrongSecret = s3Client(s3, "not-the-secret")) {
            client.createBucket(b -> b.bucket(BUCKET));
            assertThatThrownBy(() -> wrongSecret.listObjectsV2(b -> b.bucket(BUCKET)))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
            client.putObject(b -> b.bucket(BUCKET).key(PLAIN).contentType(NDJSON),
                    RequestBody.fromBytes(PLAIN_CONTENT));
            // From a stream, as camel-aws2-s3 sends a body: signed aws-chunked with a trailing checksum
            client.putObject(b -> b.bucket(BUCKET).key(GZIP).contentType(NDJSON).contentEncoding("gzip"),
                    RequestBody.fromInputStream(new ByteArrayInputStream(GZIP_CONTENT), GZIP_CONTENT.length));

            assertThat(client.listObjectsV2(b -> b.bucket(BUCKET)).contents()).extracting(S3Object::key)
                    .containsExactly(PLAIN, GZIP);
            ResponseBytes<GetObjectResponse> gz = client.getObjectAsBytes(b -> b.bucket(BUCKET).key(GZIP));
            assertThat(gz.asByteArray()).isEqualTo(GZIP_CONTENT);
            assertThat(gz.response().contentEncoding()).isEqualTo("gzip");

            assertThat(s3.listKeys(BUCKET)).containsExactly(PLAIN, GZIP);
            assertThat(s3.read(BUCKET, PLAIN)).satisfies(o -> {
                assertThat(o.content()).isEqualTo(PLAIN_CONTENT);
                assertThat(o.contentType()).isEqualTo(NDJSON);
                assertThat(o.contentEncoding()).isNull();
            });
            assertThat(s3.read(BUCKET, GZIP)).satisfies(o -> {
                assertThat(o.content()).isEqualTo(GZIP_CONTENT);
                assertThat(o.contentType()).isEqualTo(NDJSON);
                assertThat(o.contentEncoding()).isEqualTo("gzip");
            });
        }
    }

    private static S3Client s3Client(S3Server s3, String secretKey) {
        return S3Client.builder()
                .endpointOverride(s3.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), secretKey)))
                // The S3 exporter's HTTP client
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Test
    void azuriteTakesTheAzureSdkUploads() {
        try (AzuriteServer azurite = timed("Azurite", AzuriteServer::new)) {
            BlobServiceClient client = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .buildClient();
            client.createBlobContainer(BUCKET);
            BlobContainerClient container = client.getBlobContainerClient(BUCKET);
            container.getBlobClient(PLAIN).uploadWithResponse(new BlobParallelUploadOptions(
                    BinaryData.fromBytes(PLAIN_CONTENT)).setHeaders(new BlobHttpHeaders().setContentType(NDJSON)),
                    null, Context.NONE);
            container.getBlobClient(GZIP).uploadWithResponse(new BlobParallelUploadOptions(
                    BinaryData.fromBytes(GZIP_CONTENT)).setHeaders(new BlobHttpHeaders().setContentType(NDJSON)
                    .setContentEncoding("gzip")), null, Context.NONE);

            assertThat(container.listBlobs().stream().map(BlobItem::getName)).containsExactly(PLAIN, GZIP);
            assertThat(container.getBlobClient(GZIP).downloadContent().toBytes()).isEqualTo(GZIP_CONTENT);

            assertThat(azurite.listBlobs(BUCKET)).containsExactly(PLAIN, GZIP);
            assertThat(azurite.read(BUCKET, PLAIN)).satisfies(o -> {
                assertThat(o.content()).isEqualTo(PLAIN_CONTENT);
                assertThat(o.contentType()).isEqualTo(NDJSON);
            });
            assertThat(azurite.read(BUCKET, GZIP)).satisfies(o -> {
                assertThat(o.content()).isEqualTo(GZIP_CONTENT);
                assertThat(o.contentEncoding()).isEqualTo("gzip");
            });
        }
    }

    @Test
    void fakeGcsTakesTheGoogleClientUploads() throws IOException {
        try (FakeGcsServer gcs = timed("fake GCS", FakeGcsServer::new)) {
            Storage storage = storage(gcs);
            storage.create(BucketInfo.of(BUCKET));
            assertThat(storage.get(BUCKET)).isNotNull();
            assertThat(storage.get("no-such-bucket")).as("a 404 is null to the client").isNull();

            // byte[] goes as one multipart upload; a stream (camel-google-storage's createFrom) as a resumable one
            storage.create(BlobInfo.newBuilder(BUCKET, PLAIN).setContentType(NDJSON).build(), PLAIN_CONTENT);
            storage.createFrom(BlobInfo.newBuilder(BUCKET, GZIP).setContentType(NDJSON).setContentEncoding("gzip")
                    .build(), new ByteArrayInputStream(GZIP_CONTENT));

            assertThat(StreamSupport.stream(storage.list(BUCKET).iterateAll().spliterator(), false).map(Blob::getName))
                    .containsExactly(PLAIN, GZIP);
            Blob gz = storage.get(BlobId.of(BUCKET, GZIP));
            assertThat(gz.getContentEncoding()).isEqualTo("gzip");
            assertThat(gz.getSize()).isEqualTo(GZIP_CONTENT.length);
            // The client gunzips gzip objects unless asked for the bytes as stored
            assertThat(storage.readAllBytes(BlobId.of(BUCKET, GZIP))).isEqualTo(gunzip(GZIP_CONTENT));
            assertThat(storage.readAllBytes(BlobId.of(BUCKET, GZIP),
                    Storage.BlobSourceOption.shouldReturnRawInputStream(true))).isEqualTo(GZIP_CONTENT);
            assertThat(storage.readAllBytes(BlobId.of(BUCKET, PLAIN))).isEqualTo(PLAIN_CONTENT);

            assertThat(gcs.objects(BUCKET)).containsExactly(PLAIN, GZIP);
            assertThat(gcs.read(BUCKET, GZIP)).satisfies(o -> {
                assertThat(o.content()).isEqualTo(GZIP_CONTENT);
                assertThat(o.contentType()).isEqualTo(NDJSON);
                assertThat(o.contentEncoding()).isEqualTo("gzip");
            });
            assertThat(gcs.requests()).extracting(r -> r.method() + " " + r.query().get("uploadType"))
                    .contains("POST multipart", "POST resumable", "PUT resumable");
            assertThat(gcs.violations()).isEmpty();
        }
    }

    @Test
    void theGoogleClientRetriesInjectedFailuresOfIdempotentUploadsOnly() throws IOException {
        try (FakeGcsServer gcs = new FakeGcsServer()) {
            gcs.createBucket(BUCKET);
            Storage storage = storage(gcs);

            gcs.failNext(Upload.MULTIPART, 1, 503);
            storage.create(BlobInfo.newBuilder(BUCKET, PLAIN).build(), PLAIN_CONTENT,
                    Storage.BlobTargetOption.doesNotExist());
            assertThat(gcs.objects(BUCKET)).containsExactly(PLAIN);

            gcs.failNext(Upload.RESUMABLE_PUT, 2, 429);
            storage.createFrom(BlobInfo.newBuilder(BUCKET, GZIP).build(), new ByteArrayInputStream(GZIP_CONTENT));
            assertThat(gcs.read(BUCKET, GZIP).content()).isEqualTo(GZIP_CONTENT);

            // No precondition: an upload may have landed, so the client does not retry it.
            gcs.failNext(Upload.MULTIPART, 1, 503);
            assertThatThrownBy(() -> storage.create(BlobInfo.newBuilder(BUCKET, "other").build(), PLAIN_CONTENT))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(503));
            assertThat(gcs.violations()).isEmpty();
        }
    }

    @Test
    void theFakeGcsRefusesBadMetadataAsGcsDoes() {
        try (FakeGcsServer gcs = new FakeGcsServer()) {
            gcs.createBucket(BUCKET);
            Storage storage = storage(gcs);
            BlobInfo wrongMd5 = BlobInfo.newBuilder(BUCKET, PLAIN).setMd5("1B2M2Y8AsgTpgAmY7PhCfg==").build();

            assertThatThrownBy(() -> storage.createFrom(wrongMd5, new ByteArrayInputStream(PLAIN_CONTENT),
                    Storage.BlobWriteOption.md5Match()))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(400));
            assertThatThrownBy(() -> storage.create(BlobInfo.newBuilder("missing", PLAIN).build(), PLAIN_CONTENT))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(404));
            assertThat(gcs.objects(BUCKET)).isEmpty();
            assertThat(gcs.violations()).singleElement().asString().contains("MD5");
        }
    }

    /** The client as the GCS exporter builds it for an http:// endpoint, with retries that wait milliseconds. */
    private static Storage storage(FakeGcsServer gcs) {
        RetrySettings quick = StorageOptions.getDefaultRetrySettings().toBuilder()
                .setInitialRetryDelayDuration(Duration.ofMillis(10))
                .setMaxRetryDelayDuration(Duration.ofMillis(50))
                .build();
        return StorageOptions.newBuilder().setHost(gcs.endpoint()).setProjectId("test-project")
                .setCredentials(NoCredentials.getInstance()).setRetrySettings(quick).build().getService();
    }

    private static <T> T timed(String name, Supplier<T> start) {
        long began = System.nanoTime();
        T server = start.get();
        System.out.printf("%s started in %d ms%n", name, (System.nanoTime() - began) / 1_000_000);
        return server;
    }

    private static byte[] gunzip(byte[] gzipped) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
