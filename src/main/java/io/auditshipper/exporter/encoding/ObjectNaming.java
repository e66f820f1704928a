package io.auditshipper.exporter.encoding;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
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

    /** Kestra's {@code format}: how records are written (see {@link RecordFormat}). */
    public static final ExporterProperty<RecordFormat> FORMAT =
            ExporterProperty.choice("format", RecordFormat.class, null).orElse(RecordFormat.JSON);
    public static final ExporterProperty<String> LOG_FILE_PREFIX = ExporterProperty.text("logFilePrefix")
            .where(ObjectNaming::staysInside, "a name that stays inside the output directory or bucket: a name, or"
                    + " folders, without '.', '..', a leading '/', '\\' or control characters")
            .orElse("kestra-log-file");

    /** Kestra's {@code maxLinesPerFile}, defaulting to what suits the destination. */
    public static ExporterProperty<Integer> maxLinesPerFile(int fallback) {
        return ExporterProperty.positive("maxLinesPerFile", Integer.MAX_VALUE).orElse(fallback);
    }

    /** The naming properties, with the destination's {@code maxLinesPerFile}. */
    public static ExporterProperties properties(ExporterProperty<Integer> maxLinesPerFile) {
        return ExporterProperties.of(FORMAT, LOG_FILE_PREFIX, maxLinesPerFile);
    }

    public static ObjectNaming of(ExporterConfig config, ExporterProperty<Integer> maxLinesPerFile) {
        return new ObjectNaming(LOG_FILE_PREFIX.of(config), FORMAT.of(config), maxLinesPerFile.of(config));
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
