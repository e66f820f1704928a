package io.auditshipper.exporter.encoding;

import com.amazon.ion.IonReader;
import com.amazon.ion.IonSystem;
import com.amazon.ion.IonWriter;
import com.amazon.ion.system.IonSystemBuilder;
import com.amazon.ion.system.IonTextWriterBuilder;
import io.auditshipper.model.AuditLogRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How records are written into files and objects, one audit log per line: {@code JSON} (NDJSON, the
 * stored AuditLog JSON as it is) or {@code ION} (Amazon Ion text, Kestra's own file format), for every
 * exporter that takes Kestra's {@code format} property.
 */
public enum RecordFormat {
    JSON("ndjson", "application/x-ndjson") {
        @Override
        public void write(List<AuditLogRecord> records, OutputStream out) throws IOException {
            for (AuditLogRecord record : records) {
                out.write(record.json().getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
    },
    ION("ion", "application/ion") {
        @Override
        public void write(List<AuditLogRecord> records, OutputStream out) throws IOException {
            // Ion text is a superset of JSON: the reader takes the stored JSON, the writer emits Ion.
            for (AuditLogRecord record : records) {
                try (IonReader reader = Ion.SYSTEM.newReader(record.json());
                     IonWriter writer = IonTextWriterBuilder.minimal().build(new NonClosing(out))) {
                    writer.writeValues(reader);
                }
                out.write('\n');
            }
        }
    };

    private final String extension;
    private final String mediaType;

    RecordFormat(String extension, String mediaType) {
        this.extension = extension;
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return extension;
    }

    public abstract void write(List<AuditLogRecord> records, OutputStream out) throws IOException;

    /**
     * Amazon Ion's system, built on the first Ion write: a field of the ION constant would load some 150 Ion classes
     * at every start, JSON files included.
     */
    private static final class Ion {
        static final IonSystem SYSTEM = IonSystemBuilder.standard().build();
    }

    /** Keeps the Ion writer, closed per record, from closing the file underneath. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
