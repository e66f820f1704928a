package io.auditshipper.exporter.azureblob;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.azure.AzureCredentialSettings;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.storage.ObjectStoreExporter;

import java.net.URI;
import java.util.Optional;

/**
 * Kestra's Azure Blob Storage {@code LogExporter} properties, read and checked (the object naming ones read by
 * ObjectStoreExporter). Credentials, in Kestra's order: an Entra ID application ({@code tenantId}, {@code clientId},
 * {@code clientSecret}) on {@code endpoint}; else {@code connectionString} (an account key, or Azurite); else
 * {@code sasToken} on {@code endpoint}.
 *
 * @param endpoint         the account's blob endpoint; null with a connection string
 * @param application      the Entra ID application's credential, when given
 * @param connectionString when no application is given
 * @param sasToken         when neither an application nor a connection string is given
 */
public record AzureBlobConfig(String containerName, URI endpoint, AzureCredentialSettings application,
                              String connectionString, String sasToken) {

    static final ExporterProperty<String> CONTAINER_NAME = ExporterProperty.text("containerName").required("logs");
    static final ExporterProperty<URI> ENDPOINT = ExporterProperty.httpUrl("endpoint");
    static final ExporterProperty<String> CONNECTION_STRING = ExporterProperty.text("connectionString");
    static final ExporterProperty<String> SAS_TOKEN = ExporterProperty.text("sasToken");
    /** Kestra's default for Azure Blob Storage. */
    public static final ExporterProperty<Integer> MAX_LINES = ObjectNaming.maxLinesPerFile(1_000_000);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(CONTAINER_NAME, ENDPOINT,
            AzureCredentialSettings.IF_GIVEN, CONNECTION_STRING, SAS_TOKEN, ObjectStoreExporter.properties(MAX_LINES));

    public static AzureBlobConfig of(ExporterConfig config) {
        String container = CONTAINER_NAME.of(config);
        Optional<AzureCredentialSettings> application = AzureCredentialSettings.ifGiven(config);
        if (application.isPresent()) {
            return new AzureBlobConfig(container, endpointRequired(config), application.get(), null, null);
        }
        String connectionString = CONNECTION_STRING.of(config);
        if (connectionString != null) {
            return new AzureBlobConfig(container, ENDPOINT.of(config), null, connectionString, null);
        }
        String sasToken = SAS_TOKEN.of(config);
        if (sasToken != null) {
            return new AzureBlobConfig(container, endpointRequired(config), null, null, sasToken);
        }
        throw ConfigException.inExporter(config.id(), null, "no credentials for Azure Blob Storage;"
                + " give tenantId, clientId and clientSecret (with endpoint), or connectionString, or sasToken (with endpoint)");
    }

    /** With an application or a SAS token, the endpoint says which account. */
    private static URI endpointRequired(ExporterConfig config) {
        return ENDPOINT.required("https://myaccount.blob.core.windows.net/").of(config);
    }

    /** Without the connection string and SAS token, which hold the account's key or a signature. */
    @Override
    public String toString() {
        return "AzureBlobConfig[containerName=" + containerName + ", endpoint=" + endpoint + ", application="
                + (application != null) + ", connectionString=" + (connectionString != null) + ", sasToken="
                + (sasToken != null) + "]";
    }
}
