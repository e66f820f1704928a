package io.auditshipper.exporter.file;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.encoding.RecordFormat;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.storage.AtomicFile;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Kestra's {@code FileLogExporter}: NDJSON or Ion files in a local directory. Files are written with
 * {@link AtomicFile} rather than Camel's file producer because an acknowledgement must mean the file is
 * on disk (forced), which the file producer does not do.
 */
public final class FileLogExporter implements LogExporter {

    private final Path directory;
    private final ObjectNaming naming;

    public FileLogExporter(Path directory, ObjectNaming naming) {
        this.directory = directory;
        this.naming = naming;
    }

    public static FileLogExporter from(ExporterConfig config) {
        String format = config.string("format", "JSON").toUpperCase(Locale.ROOT);
        if (!format.equals("JSON") && !format.equals("ION")) {
            throw new ConfigException("logExporters." + config.id() + ".format: '" + format + "' is not a format; use JSON or ION");
        }
        int maxLines;
        try {
            maxLines = config.integer("maxLinesPerFile", 1_000_000);
        } catch (NumberFormatException e) {
            maxLines = 0;
        }
        if (maxLines <= 0) {
            throw new ConfigException("logExporters." + config.id() + ".maxLinesPerFile: '"
                    + config.string("maxLinesPerFile", "") + "' must be a whole number above 0, e.g. 100000");
        }
        return new FileLogExporter(Path.of(config.string("outputDirectory", "./out")),
                new ObjectNaming(config.string("logFilePrefix", "kestra-log-file"), RecordFormat.valueOf(format), maxLines));
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws Exception {
        for (ObjectNaming.Part part : naming.parts(records)) {
            AtomicFile.write(directory.resolve(part.name()), out -> naming.format().write(part.records(), out));
        }
    }

    @Override
    public String describe() {
        return naming.format() + " files " + directory.toAbsolutePath().normalize() + "/" + naming.prefix() + "-*";
    }
}
