package io.auditshipper.exporter.gcs;

import com.google.cloud.BaseServiceException;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.storage.ObjectStore;
import org.apache.camel.CamelContext;
import org.apache.camel.component.google.storage.GoogleCloudStorageConstants;

import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.stream.StreamSupport;
import java.util.Map;

/**
 * Kestra's {@code io.kestra.plugin.ee.gcp.gcs.LogExporter}, through camel-google-storage. The Storage
 * client is built here from Kestra's {@code serviceAccount}/{@code scopes} (else application default
 * credentials); {@code endpoint} points it at an emulator (an {@code http://} endpoint takes no
 * credentials). The component's Content-Encoding header is not used: camel-google-storage 4.17 writes
 * the content type into it, which is one more reason gzip objects are plain {@code application/gzip}.
 */
public final class GcsObjectStore implements ObjectStore {

    private final String clientBean;
    private final String bucket;
    private final StorageOptions options;

    private GcsObjectStore(String exporterId, String bucket, StorageOptions options) {
        this.clientBean = "gcs-client-" + exporterId;
        this.bucket = bucket;
        this.options = options;
    }

    public static GcsObjectStore from(ExporterConfig config) {
        GcsConfig settings = GcsConfig.of(config);
        StorageOptions.Builder options = StorageOptions.newBuilder().setProjectId(settings.projectId())
                // The exporter route is the one retry layer (objects are named after their first log, so a batch sent
                // again overwrites them), counted in kestra_shipper_retries_total; the client's own would not be.
                .setRetrySettings(ServiceOptions.getNoRetrySettings());
        if (settings.endpoint() != null) {
            options.setHost(settings.endpoint());
        }
        if (settings.credentials() == null) {
            options.setCredentials(NoCredentials.getInstance());
        } else {
            settings.credentials().given().ifPresent(options::setCredentials);
        }
        return new GcsObjectStore(config.id(), settings.bucket(), options.build());
    }

    @Override
    public void bind(CamelContext context) {
        Storage client = options.getService();
        context.getRegistry().bind(clientBean, client);
    }

    @Override
    public String endpointUri() {
        return "google-storage://" + bucket + "?storageClient=#" + clientBean + "&autoCreateBucket=false";
    }

    @Override
    public Map<String, Object> headers(StoredObject object) {
        return Map.of(GoogleCloudStorageConstants.OBJECT_NAME, object.name(),
                GoogleCloudStorageConstants.CONTENT_LENGTH, object.length(),
                GoogleCloudStorageConstants.CONTENT_TYPE, object.contentType());
    }

    /** The same client as the endpoint's: StorageOptions builds its service once. */
    @Override
    public List<String> list(String prefix) {
        return StreamSupport.stream(options.getService().list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll().spliterator(), false)
                .map(Blob::getName).toList();
    }

    @Override
    public InputStream open(String name) {
        Blob blob = options.getService().get(BlobId.of(bucket, name));
        return blob == null ? null : Channels.newInputStream(blob.reader());
    }

    @Override
    public String describe() {
        return "gs://" + bucket;
    }

    @Override
    public int status(Throwable failure) {
        return failure instanceof BaseServiceException answer && answer.getCode() > 0 ? answer.getCode() : -1;
    }

    @Override
    public String credentialProperties() {
        return "serviceAccount, impersonatedServiceAccount and scopes (or, without them, the application default"
                + " credentials) and that they may storage.objects.create in the bucket";
    }
}
