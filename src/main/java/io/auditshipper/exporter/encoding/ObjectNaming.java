package io.auditshipper.exporter.encoding;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
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
        String prefix = config.string("logFilePrefix", "kestra-log-file");
        if (!staysInside(prefix)) {
            throw new ConfigException("logExporters." + config.id() + ".logFilePrefix: '" + prefix + "' would name files"
                    + " outside the output directory or bucket; use a name, or folders, without '.', '..', a leading '/',"
                    + " '\\' or control characters, e.g. logFilePrefix: kestra-log-file");
        }
        return new ObjectNaming(prefix, RecordFormat.valueOf(format), maxLines);
    }

    /** A relative name, folders allowed, that resolves inside whatever directory or bucket it is put under. */
    static boolean staysInside(String prefix) {
        if (prefix.isEmpty() || prefix.startsWith("/") || prefix.chars().anyMatch(c -> c == '\\' || Character.isISOControl(c))) {
            return false;
        }
        for (String segment : prefix.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The id is written with every character outside {@code [A-Za-z0-9_.-]} percent-encoded (UTF-8): an id is
     * the source's text, and a '/', '..' or NUL in it must not turn into a path, nor one id into another's name.
     */
    public String nameFor(Offset first) {
        return prefix + "-" + STAMP.format(first.timestamp()) + "-" + safe(first.id()) + "." + format.extension();
    }

    /**
     * The date of the first record of the object {@code name} this naming gave ({@code suffix} after the extension,
     * e.g. {@code .gz}); null when {@code name} is not one of its names (another prefix that starts alike, another
     * format), so a reader of a shared folder or bucket takes only this exporter's objects.
     */
    public Instant firstDate(String name, String suffix) {
        String start = prefix + "-";
        String end = "." + format.extension() + suffix;
        if (!name.startsWith(start) || !name.endsWith(end) || name.length() < start.length() + 24 + end.length()
                || name.charAt(start.length() + 23) != '-') {
            return null;
        }
        try {
            return STAMP.parse(name.substring(start.length(), start.length() + 23), Instant::from);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static String safe(String id) {
        StringBuilder out = new StringBuilder(id.length());
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || (c == '.' && out.length() > 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
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
