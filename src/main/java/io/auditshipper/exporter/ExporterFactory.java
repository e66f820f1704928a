package io.auditshipper.exporter;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.datadog.DatadogLogExporter;
import io.auditshipper.exporter.file.FileLogExporter;

/** Builds the exporter bean for each configured {@code logExporters} entry. */
public final class ExporterFactory {

    private ExporterFactory() {
    }

    public static LogExporter create(ExporterConfig config, ExporterContext context) {
        return switch (config.type()) {
            case FILE -> FileLogExporter.from(config);
            case DATADOG -> DatadogLogExporter.from(config, context);
            default -> throw new ConfigException("logExporters." + config.id() + ": not implemented yet: "
                    + config.type().kestraType() + "; remove it from logExporters to run the others");
        };
    }
}
