package io.auditshipper.exporter;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.azure.AzureMonitorExporter;
import io.auditshipper.exporter.cloudwatch.CloudWatchLogsExporter;
import io.auditshipper.exporter.datadog.Datadog;
import io.auditshipper.exporter.newrelic.NewRelic;
import io.auditshipper.exporter.otlp.OtlpLogExporter;
import io.auditshipper.exporter.file.FileLogExporter;
import io.auditshipper.exporter.gcp.CloudLoggingExporter;

/** Builds the exporter bean for each configured {@code logExporters} entry. */
public final class ExporterFactory {

    private ExporterFactory() {
    }

    public static LogExporter create(ExporterConfig config, ExporterContext context) {
        return switch (config.type()) {
            case FILE -> FileLogExporter.from(config);
            case DATADOG -> Datadog.exporter(config, context);
            case NEW_RELIC -> NewRelic.exporter(config, context);
            case OPENTELEMETRY -> OtlpLogExporter.from(config, context);
            case AWS_CLOUDWATCH -> CloudWatchLogsExporter.from(config, context);
            case GCP_CLOUD_LOGGING -> CloudLoggingExporter.from(config, context);
            case AZURE_MONITOR -> AzureMonitorExporter.from(config, context);
            default -> throw new ConfigException("logExporters." + config.id() + ": not implemented yet: "
                    + config.type().kestraType() + "; remove it from logExporters to run the others");
        };
    }
}
