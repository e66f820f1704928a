package io.auditshipper.support;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;

/**
 * A real S3 server in the test JVM on 127.0.0.1: S3Proxy, chosen over the npm s3rver because it checks
 * SigV4 signatures and takes the signed aws-chunked bodies with trailing checksums that AWS SDK v2 sends,
 * as S3 does, and needs no node. Its transient store (an in-memory file system) keeps Content-Type and
 * Content-Encoding on every host, where the filesystem store depends on the disk's user xattr support.
 */
public final class S3Server implements AutoCloseable {

    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    /** An object as stored: its bytes and the metadata S3 answers with. */
    public record StoredObject(byte[] content, String contentType, String contentEncoding) {
    }

    private final BlobStore store = new TransientNio2BlobStore();
    private final S3Proxy proxy;

    public S3Server() {
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                // Tests end with the clients' keep-alive connections still open: do not wait for them.
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
    }

    /** For the client's endpointOverride, with path-style access (no bucket host names on 127.0.0.1). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public void createBucket(String name) {
        store.createContainer(name);
    }

    /** The keys in the bucket, in S3's order (sorted). */
    public List<String> listKeys(String bucket) {
        return store.list(bucket).contents().stream().map(S3Object::key).toList();
    }

    /** Read straight from the store, so a test sees what was kept, not what a client makes of it. */
    public StoredObject read(String bucket, String key) {
        try (ResponseInputStream<GetObjectResponse> in = store.getBlob(bucket, key)) {
            GetObjectResponse meta = in.response();
            return new StoredObject(in.readAllBytes(), meta.contentType(), meta.contentEncoding());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes (or overwrites) an object straight into the store, as someone with access to the bucket would. */
    public void write(String bucket, String key, byte[] content) {
        store.putBlob(PutObjectRequest.builder().bucket(bucket).key(key).contentLength((long) content.length).build(),
                new ByteArrayInputStream(content));
    }

    /** Removes an object behind the clients' backs, as someone with access to the bucket could. */
    public void delete(String bucket, String key) {
        store.removeBlob(bucket, key);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        store.close();
    }
}
