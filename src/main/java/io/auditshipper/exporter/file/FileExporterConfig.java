package io.auditshipper.exporter.file;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.integrity.TamperEvidence;

import java.nio.file.Path;

/** Kestra's {@code FileLogExporter} properties, read and checked. */
public record FileExporterConfig(Path outputDirectory, ObjectNaming naming, boolean tamperEvident) {

    static final ExporterProperty<String> OUTPUT_DIRECTORY = ExporterProperty.text("outputDirectory").orElse("./out");
    static final ExporterProperty<Integer> MAX_LINES = ObjectNaming.maxLinesPerFile(1_000_000);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(OUTPUT_DIRECTORY,
            ObjectNaming.properties(MAX_LINES), TamperEvidence.PROPERTY);

    public static FileExporterConfig of(ExporterConfig config) {
        return new FileExporterConfig(Path.of(OUTPUT_DIRECTORY.of(config)), ObjectNaming.of(config, MAX_LINES),
                TamperEvidence.enabled(config));
    }
}
