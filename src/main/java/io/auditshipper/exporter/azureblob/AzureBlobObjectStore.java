package io.auditshipper.exporter.azureblob;

import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.azure.ConnectBoundHttpClient;
import io.auditshipper.exporter.storage.ObjectStore;
import org.apache.camel.CamelContext;
import org.apache.camel.component.azure.storage.blob.BlobConstants;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Kestra's {@code io.kestra.plugin.ee.azure.storage.LogExporter}, through camel-azure-storage-blob (block
 * blobs), with the credentials {@link AzureBlobConfig} reads.
 */
public final class AzureBlobObjectStore implements ObjectStore {

    private final String clientBean;
    private final String container;
    private final BlobServiceClient client;

    private AzureBlobObjectStore(String exporterId, String container, BlobServiceClient client) {
        this.clientBean = "azure-blob-client-" + exporterId;
        this.container = container;
        this.client = client;
    }

    /**
     * For {@code --verify}, which ships nothing and shares no stream: its reads connect within
     * RetryBudget.HTTP_CONNECT_TIMEOUT, as the exporter alone does.
     */
    public static AzureBlobObjectStore from(ExporterConfig config) {
        return from(config, new RetryBudget(RetryConfig.DEFAULT));
    }

    /** Each call connects within the bound the exporter's retry budget gives it ({@link ConnectBoundHttpClient}). */
    public static AzureBlobObjectStore from(ExporterConfig config, RetryBudget retryBudget) {
        AzureBlobConfig settings = AzureBlobConfig.of(config);
        // One try per call: the exporter route is the one retry layer (blobs are named after their first log, so a
        // batch sent again overwrites them), counted in kestra_shipper_retries_total; the client's own would not be.
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .httpClient(new ConnectBoundHttpClient(config.id(), retryBudget))
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 1, (Integer) null, null, null, null));
        try {
            if (settings.application() != null) {
                builder.endpoint(settings.endpoint().toString()).credential(settings.application().credential());
            } else if (settings.connectionString() != null) {
                builder.connectionString(settings.connectionString());
            } else {
                builder.endpoint(settings.endpoint().toString()).sasToken(settings.sasToken());
            }
            return new AzureBlobObjectStore(config.id(), settings.containerName(), builder.buildClient());
        } catch (IllegalArgumentException e) {
            // The SDK's own message names what is malformed (a connection string, an endpoint) and never the key.
            throw ConfigException.inExporter(config.id(), null, e.getMessage());
        }
    }

    @Override
    public void bind(CamelContext context) {
        context.getRegistry().bind(clientBean, client);
    }

    @Override
    public String endpointUri() {
        return "azure-storage-blob://" + client.getAccountName() + "/" + container
                + "?serviceClient=#" + clientBean + "&operation=uploadBlockBlob";
    }

    @Override
    public Map<String, Object> headers(StoredObject object) {
        return Map.of(BlobConstants.BLOB_NAME, object.name(),
                BlobConstants.BLOB_HTTP_HEADERS, new BlobHttpHeaders().setContentType(object.contentType()));
    }

    @Override
    public List<String> list(String prefix) {
        return client.getBlobContainerClient(container).listBlobs(new ListBlobsOptions().setPrefix(prefix), null).stream()
                .map(BlobItem::getName).toList();
    }

    @Override
    public InputStream open(String name) {
        try {
            return client.getBlobContainerClient(container).getBlobClient(name).openInputStream();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public String describe() {
        return client.getAccountUrl() + "/" + container;
    }

    @Override
    public int status(Throwable failure) {
        return failure instanceof HttpResponseException answer && answer.getResponse() != null
                ? answer.getResponse().getStatusCode() : -1;
    }

    @Override
    public String credentialProperties() {
        return "tenantId, clientId and clientSecret, or connectionString, or sasToken, and that they may write"
                + " blobs into the container";
    }
}
