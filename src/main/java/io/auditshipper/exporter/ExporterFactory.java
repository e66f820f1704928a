package io.auditshipper.exporter;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.azure.AzureMonitorExporter;
import io.auditshipper.exporter.camel.CamelEndpointExporter;
import io.auditshipper.exporter.cloudwatch.CloudWatchLogsExporter;
import io.auditshipper.exporter.datadog.Datadog;
import io.auditshipper.exporter.newrelic.NewRelic;
import io.auditshipper.exporter.otlp.OtlpLogExporter;
import io.auditshipper.exporter.file.FileLogExporter;
import io.auditshipper.exporter.gcp.CloudLoggingExporter;
import io.auditshipper.exporter.azureblob.AzureBlobConfig;
import io.auditshipper.exporter.azureblob.AzureBlobObjectStore;
import io.auditshipper.exporter.gcs.GcsConfig;
import io.auditshipper.exporter.gcs.GcsObjectStore;
import io.auditshipper.exporter.s3.S3Config;
import io.auditshipper.exporter.s3.S3ObjectStore;
import io.auditshipper.exporter.encoding.RecordSchema;
import io.auditshipper.exporter.elasticsearch.ElasticsearchExporter;
import io.auditshipper.exporter.opensearch.OpenSearchExporter;
import io.auditshipper.exporter.storage.ObjectStoreExporter;
import io.auditshipper.exporter.splunk.SplunkHec;
import io.auditshipper.exporter.graylog.Gelf;
import io.auditshipper.exporter.syslog.SyslogExporter;

import java.util.List;

/** Builds the exporter bean for each configured {@code logExporters} entry. */
public final class ExporterFactory {

    private ExporterFactory() {
    }

    /**
     * The exporter, shipping each log in its {@code schema} ({@link RecordSchema}; KESTRA, the default, as stored),
     * a batch it fails with an exception retried with the task's backoff ({@link RetryingExporter}). Its properties
     * are checked all together first, so a bad config lists every refused one in one {@link ConfigException}.
     */
    public static LogExporter create(ExporterConfig config, ExporterContext context) {
        // The destination's own checks of properties together then run only on values read fine.
        List<String> problems = config.type().problems(config);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        RecordSchema schema = RecordSchema.of(config);
        LogExporter exporter = destination(config, context);
        return new RetryingExporter(schema == RecordSchema.KESTRA ? exporter : new SchemaExporter(exporter, schema),
                context.retryPolicy(config.id()));
    }

    private static LogExporter destination(ExporterConfig config, ExporterContext context) {
        return switch (config.type()) {
            case FILE -> FileLogExporter.from(config);
            case DATADOG -> Datadog.exporter(config, context);
            case NEW_RELIC -> NewRelic.exporter(config, context);
            case OPENTELEMETRY -> OtlpLogExporter.from(config, context);
            case AWS_CLOUDWATCH -> CloudWatchLogsExporter.from(config, context);
            case GCP_CLOUD_LOGGING -> CloudLoggingExporter.from(config, context);
            case AZURE_MONITOR -> AzureMonitorExporter.from(config, context);
            case AWS_S3 -> ObjectStoreExporter.from(config, S3ObjectStore.from(config), S3Config.MAX_LINES);
            case GCP_GCS -> ObjectStoreExporter.from(config, GcsObjectStore.from(config, context.retryBudget()), GcsConfig.MAX_LINES);
            case AZURE_BLOB -> ObjectStoreExporter.from(config, AzureBlobObjectStore.from(config, context.retryBudget()), AzureBlobConfig.MAX_LINES);
            case ELASTICSEARCH -> new ElasticsearchExporter(config, context);
            case OPENSEARCH -> new OpenSearchExporter(config, context);
            case SPLUNK -> SplunkHec.exporter(config, context);
            case GRAYLOG -> Gelf.exporter(config, context);
            case SYSLOG -> SyslogExporter.from(config, context.retryBudget());
            case CAMEL -> CamelEndpointExporter.from(config, context);
        };
    }
}
