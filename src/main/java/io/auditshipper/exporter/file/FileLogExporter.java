package io.auditshipper.exporter.file;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.storage.AtomicFile;

import java.nio.file.Path;
import java.util.List;

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
        return new FileLogExporter(Path.of(config.string("outputDirectory", "./out")), ObjectNaming.from(config, 1_000_000));
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
