package io.auditshipper.exporter;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.file.FileLogExporter;

/** Builds the exporter bean for each configured {@code logExporters} entry. */
public final class ExporterFactory {

    private ExporterFactory() {
    }

    public static LogExporter create(ExporterConfig config) {
        return switch (config.type()) {
            case FILE -> FileLogExporter.from(config);
            default -> throw new ConfigException("logExporters." + config.id() + ": not implemented yet: "
                    + config.type().kestraType() + "; remove it from logExporters to run the others");
        };
    }
}
