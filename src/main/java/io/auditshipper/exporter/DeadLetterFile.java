package io.auditshipper.exporter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.model.AuditLogRecord;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * Where an exporter parks the records its destination rejected for good (400 with a reason, a record
 * too large to send): {@code <directory>/<exporterId>.ndjson}, one line per record with the reason, forced
 * to disk before the batch is acknowledged. Nothing an exporter was given is dropped silently.
 */
public final class DeadLetterFile {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String exporterId;
    private final Path file;
    private final Counter parked;

    public DeadLetterFile(Path directory, String exporterId, Counter parked) {
        this.exporterId = exporterId;
        this.file = directory.resolve(exporterId + ".ndjson");
        this.parked = parked;
    }

    public synchronized void park(List<AuditLogRecord> records, String reason) {
        String redacted = SecretRedactor.redact(reason);
        StringBuilder lines = new StringBuilder();
        for (AuditLogRecord record : records) {
            ObjectNode line = JSON.createObjectNode();
            line.put("exporter", exporterId);
            line.put("parkedAt", Instant.now().toString());
            line.put("reason", redacted);
            line.put("id", record.id());
            line.put("timestamp", record.timestamp().toString());
            line.put("record", record.json());
            lines.append(line).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                channel.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
        } catch (IOException e) {
            // Not parked means not acknowledged: the batch fails and is shipped again.
            throw new UncheckedIOException("cannot write the dead-letter file " + file, e);
        }
        parked.increment(records.size());
        LOG.warn("exporter {}: {} record(s) rejected by the destination were parked in {}: {}", exporterId,
                records.size(), file, redacted);
    }

    public Path file() {
        return file;
    }
}
