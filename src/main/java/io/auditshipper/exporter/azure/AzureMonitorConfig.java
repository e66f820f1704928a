package io.auditshipper.exporter.azure;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;

import java.net.URI;

/**
 * Kestra's Azure Monitor {@code LogExporter} properties, read and checked. The Logs Ingestion API takes at most 1 MB
 * per call ("at this time the upload limit is 1 Mb. Any content uploaded larger than 1 Mb will throw an exception":
 * the Azure.Monitor.Ingestion samples, https://github.com/Azure/azure-sdk-for-net/blob/main/sdk/monitor/Azure.Monitor.Ingestion/samples/Sample1_LogDataAsync.md;
 * Azure Monitor's service limits, https://learn.microsoft.com/azure/azure-monitor/service-limits#logs-ingestion-api,
 * were not at hand to quote): Microsoft's Java client cuts the logs into calls of at most 1,048,576 bytes of JSON
 * ({@code Utils.MAX_REQUEST_PAYLOAD_SIZE} in azure-monitor-ingestion 1.1.0) before gzipping them, so no limit is
 * applied here; a single log over it is sent alone, and parked when the API refuses it (a 4xx answer).
 *
 * @param endpoint the data collection endpoint's (or the rule's own) logs ingestion URL
 * @param ruleId   the data collection rule's immutable id
 */
public record AzureMonitorConfig(URI endpoint, AzureCredentialSettings credentials, String ruleId, String streamName) {

    static final ExporterProperty<URI> ENDPOINT = ExporterProperty.httpUrl("endpoint")
            .required("https://my-dce.westeurope-1.ingest.monitor.azure.com");
    static final ExporterProperty<String> RULE_ID = ExporterProperty.text("ruleId")
            .required("dcr-69f0b123041d4d6e9f2bf72aad0b62cf");
    static final ExporterProperty<String> STREAM_NAME = ExporterProperty.text("streamName")
            .required("Custom-KestraAuditLogs");

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(ENDPOINT, AzureCredentialSettings.PROPERTIES,
            RULE_ID, STREAM_NAME);

    public static AzureMonitorConfig of(ExporterConfig config) {
        return new AzureMonitorConfig(ENDPOINT.of(config), AzureCredentialSettings.of(config), RULE_ID.of(config),
                STREAM_NAME.of(config));
    }
}
