package io.auditshipper.exporter.s3;

import software.amazon.awssdk.core.exception.SdkServiceException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.storage.ObjectStore;
import org.apache.camel.CamelContext;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kestra's {@code io.kestra.plugin.ee.aws.s3.LogExporter}, through camel-aws2-s3. The S3 client is built
 * here (Kestra's credentials or the default chain, {@code endpointOverride} with path-style addressing
 * for S3-compatible servers) and handed to the endpoint, so keys never go into an endpoint URI. Its own
 * retries are off: the exporter route retries a failed batch, and a 401/403 fails the exporter at once.
 */
public final class S3ObjectStore implements ObjectStore {

    private final String clientBean;
    private final String bucket;
    private final S3Client client;
    private final String location;

    private S3ObjectStore(String exporterId, String bucket, S3Client client, String location) {
        this.clientBean = "s3-client-" + exporterId;
        this.bucket = bucket;
        this.client = client;
        this.location = location;
    }

    public static S3ObjectStore from(ExporterConfig config) {
        S3Config settings = S3Config.of(config);
        S3ClientBuilder builder = settings.client().applyTo(S3Client.builder())
                .httpClient(UrlConnectionHttpClient.create())
                // Each object goes in one piece, its length in Content-Length, its CRC32 in a header (signed), instead
                // of an aws-chunked body whose CRC32 comes in trailing lines after the last chunk. A server may answer
                // before it has read those lines (S3Proxy does, once it has the object's bytes) and then close the
                // connection they arrive on, without telling the client; HttpURLConnection reuses that connection and
                // the next upload fails ("Error writing request body to server"). The objects are in memory already,
                // so streaming them in chunks saved nothing.
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                // The exporter route is the one retry layer (with the task's backoff); the SDK's own would also
                // re-send a refused upload (a 403 InvalidAccessKeyId went out 4 times per attempt).
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        Optional<URI> endpoint = settings.client().endpoint();
        // S3-compatible servers (MinIO, S3Proxy, Ceph...) are addressed by path, not by a bucket subdomain.
        endpoint.ifPresent(uri -> builder.forcePathStyle(true));
        String location = endpoint.map(uri -> uri + "/" + settings.bucket()).orElse("s3://" + settings.bucket());
        return new S3ObjectStore(config.id(), settings.bucket(), builder.build(), location);
    }

    @Override
    public void bind(CamelContext context) {
        context.getRegistry().bind(clientBean, client);
    }

    @Override
    public String endpointUri() {
        return "aws2-s3://" + bucket + "?amazonS3Client=#" + clientBean + "&autoCreateBucket=false";
    }

    @Override
    public Map<String, Object> headers(StoredObject object) {
        return Map.of(AWS2S3Constants.KEY, object.name(),
                AWS2S3Constants.CONTENT_LENGTH, object.length(),
                AWS2S3Constants.CONTENT_TYPE, object.contentType());
    }

    @Override
    public List<String> list(String prefix) {
        return client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
    }

    @Override
    public InputStream open(String name) {
        try {
            return client.getObject(request -> request.bucket(bucket).key(name));
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    @Override
    public String describe() {
        return location;
    }

    @Override
    public int status(Throwable failure) {
        return failure instanceof SdkServiceException answer ? answer.statusCode() : -1;
    }

    @Override
    public String credentialProperties() {
        return "accessKeyId, secretKeyId and sessionToken (or, without them, the default AWS credential chain's)"
                + " and that they may s3:PutObject into the bucket";
    }
}
