package io.auditshipper.exporter.gcs;

import com.google.cloud.BaseServiceException;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.http.HttpTransportOptions;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.ConnectBoundClients;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.storage.ObjectStore;
import org.apache.camel.CamelContext;
import org.apache.camel.component.google.storage.GoogleCloudStorageConstants;

import java.io.InputStream;
import java.nio.channels.Channels;
import java.time.Duration;
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

    /** A Storage client and the name it is bound under in the Camel registry, for the endpoint to refer to. */
    private record BoundClient(Storage storage, String bean) {
    }

    private final String clientBean;
    private final String bucket;
    private final StorageOptions options;
    private final ConnectBoundClients<BoundClient> clients;
    private CamelContext camel;

    private GcsObjectStore(String exporterId, String bucket, StorageOptions options, RetryBudget retryBudget) {
        this.clientBean = "gcs-client-" + exporterId;
        this.bucket = bucket;
        this.options = options;
        this.clients = new ConnectBoundClients<>(exporterId, retryBudget, this::client);
    }

    /**
     * For {@code --verify}, which ships nothing and shares no stream: its reads connect within
     * RetryBudget.HTTP_CONNECT_TIMEOUT, as the exporter alone does.
     */
    public static GcsObjectStore from(ExporterConfig config) {
        return from(config, new RetryBudget(RetryConfig.DEFAULT));
    }

    /**
     * The client's connect timeout (google-http-client's 20 s) is per client: each call goes to the client built with
     * the bound the exporter's retry budget gives it ({@link ConnectBoundClients}); the read timeout stays the SDK's.
     */
    public static GcsObjectStore from(ExporterConfig config, RetryBudget retryBudget) {
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
        return new GcsObjectStore(config.id(), settings.bucket(), options.build(), retryBudget);
    }

    /** The client connecting within {@code connectTimeout}, bound in the Camel registry when it is bound already. */
    private BoundClient client(Duration connectTimeout) {
        HttpTransportOptions transport = ((HttpTransportOptions) options.getTransportOptions()).toBuilder()
                .setConnectTimeout(Math.toIntExact(connectTimeout.toMillis())).build();
        BoundClient client = new BoundClient(options.toBuilder().setTransportOptions(transport).build().getService(),
                clientBean + "-connect-" + connectTimeout.toMillis() + "ms");
        if (camel != null) {
            camel.getRegistry().bind(client.bean(), client.storage());
        }
        return client;
    }

    @Override
    public void bind(CamelContext context) {
        camel = context;
    }

    @Override
    public String endpointUri() {
        return "google-storage://" + bucket + "?storageClient=#" + clients.forNextCall().bean() + "&autoCreateBucket=false";
    }

    @Override
    public Map<String, Object> headers(StoredObject object) {
        return Map.of(GoogleCloudStorageConstants.OBJECT_NAME, object.name(),
                GoogleCloudStorageConstants.CONTENT_LENGTH, object.length(),
                GoogleCloudStorageConstants.CONTENT_TYPE, object.contentType());
    }

    @Override
    public List<String> list(String prefix) {
        return StreamSupport.stream(clients.forNextCall().storage().list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll().spliterator(), false)
                .map(Blob::getName).toList();
    }

    @Override
    public InputStream open(String name) {
        Blob blob = clients.forNextCall().storage().get(BlobId.of(bucket, name));
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
