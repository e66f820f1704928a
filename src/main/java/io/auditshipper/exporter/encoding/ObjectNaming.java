package io.auditshipper.exporter.encoding;

import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Names files and objects after the offset of their first record ({@code <prefix>-<timestamp>-<id>.<ext>}),
 * so the same records shipped again after a crash overwrite the same file instead of adding a copy, and
 * cuts records into parts of at most {@code maxLinesPerFile} lines.
 */
public record ObjectNaming(String prefix, RecordFormat format, int maxLinesPerFile) {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** One file or object to write: its name and the records it holds. */
    public record Part(String name, List<AuditLogRecord> records) {
    }

    public String nameFor(Offset first) {
        return prefix + "-" + STAMP.format(first.timestamp()) + "-" + first.id() + "." + format.extension();
    }

    public List<Part> parts(List<AuditLogRecord> records) {
        List<Part> parts = new ArrayList<>();
        for (int from = 0; from < records.size(); from += maxLinesPerFile) {
            List<AuditLogRecord> slice = records.subList(from, Math.min(records.size(), from + maxLinesPerFile));
            parts.add(new Part(nameFor(slice.get(0).offset()), slice));
        }
        return parts;
    }
}
