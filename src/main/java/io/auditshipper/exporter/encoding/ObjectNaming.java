package io.auditshipper.exporter.encoding;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    /** Kestra's {@code format} (JSON or ION), {@code logFilePrefix} and {@code maxLinesPerFile}, checked. */
    public static ObjectNaming from(ExporterConfig config, int defaultMaxLinesPerFile) {
        String format = config.string("format", "JSON").toUpperCase(Locale.ROOT);
        if (!format.equals("JSON") && !format.equals("ION")) {
            throw new ConfigException("logExporters." + config.id() + ".format: '" + format + "' is not a format; use JSON or ION");
        }
        int maxLines;
        try {
            maxLines = config.integer("maxLinesPerFile", defaultMaxLinesPerFile);
        } catch (NumberFormatException e) {
            maxLines = 0;
        }
        if (maxLines <= 0) {
            throw new ConfigException("logExporters." + config.id() + ".maxLinesPerFile: '"
                    + config.string("maxLinesPerFile", "") + "' must be a whole number above 0, e.g. 100000");
        }
        return new ObjectNaming(config.string("logFilePrefix", "kestra-log-file"), RecordFormat.valueOf(format), maxLines);
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
