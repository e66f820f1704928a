package io.auditshipper.exporter.file;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.integrity.DirectoryObjects;
import io.auditshipper.exporter.integrity.Manifest;
import io.auditshipper.exporter.integrity.Sha256;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.storage.AtomicFile;

import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * Kestra's {@code FileLogExporter}: NDJSON or Ion files in a local directory. Files are written with
 * {@link AtomicFile} rather than Camel's file producer because an acknowledgement must mean the file is
 * on disk (forced), which the file producer does not do. With {@code tamperEvident: true}, each file is
 * hashed as it is written and recorded in the manifest chain ({@link Manifest}) once it is on disk.
 */
public final class FileLogExporter implements LogExporter {

    private final Path directory;
    private final ObjectNaming naming;
    private final Manifest manifest;

    public FileLogExporter(Path directory, ObjectNaming naming, boolean tamperEvident) {
        this.directory = directory;
        this.naming = naming;
        this.manifest = tamperEvident ? new Manifest(naming.prefix(), new DirectoryObjects(directory)) : null;
    }

    public static FileLogExporter from(ExporterConfig config) {
        FileExporterConfig settings = FileExporterConfig.of(config);
        return new FileLogExporter(settings.outputDirectory(), settings.naming(), settings.tamperEvident());
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws Exception {
        for (ObjectNaming.Part part : naming.parts(records)) {
            MessageDigest sha256 = Sha256.digest();
            AtomicFile.write(directory.resolve(part.name()),
                    out -> naming.format().write(part.records(), manifest == null ? out : new DigestOutputStream(out, sha256)));
            if (manifest != null) {
                manifest.append(part.name(), Sha256.hex(sha256), part.records(),
                        (name, content) -> AtomicFile.write(directory.resolve(name), out -> out.write(content)));
            }
        }
    }

    @Override
    public String describe() {
        return naming.format() + " files " + directory.toAbsolutePath().normalize() + "/" + naming.prefix() + "-*"
                + (manifest == null ? "" : ", manifest " + Manifest.folder(naming.prefix()));
    }
}
