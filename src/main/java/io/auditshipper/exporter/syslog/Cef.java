package io.auditshipper.exporter.syslog;

import io.auditshipper.exporter.encoding.AuditFields;
import io.auditshipper.exporter.encoding.Truncation;
import io.auditshipper.model.AuditLogRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * An audit log as a CEF message ({@code CEF:0|Kestra|Kestra|<version>|<type>|<name>|<severity>|<extension>}), with
 * CEF's escaping (ArcSight "Implementing ArcSight CEF", revision 25): in the header, {@code \} and {@code |} are
 * escaped with a backslash (a line break, which the header may not hold, becomes a space); in extension values,
 * {@code \}, {@code =} are escaped and line breaks written {@code \n} / {@code \r}. The extension keys are CEF's
 * own (the mapping table is in the README); {@code msg}, the audit log's {@code detail} as JSON, comes last and is
 * cut with a marker when the message would be over {@code maxBytes}.
 */
final class Cef {

    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");

    private final String deviceVersion;

    Cef(String deviceVersion) {
        this.deviceVersion = deviceVersion;
    }

    /** The CEF message of the record, at most {@code maxBytes} bytes of UTF-8. */
    String message(AuditLogRecord record, int maxBytes) throws IOException {
        AuditFields audit = AuditFields.of(record);
        String type = audit.type() == null ? "UNKNOWN" : audit.type();
        StringBuilder cef = new StringBuilder(512).append("CEF:0|Kestra|Kestra|").append(header(deviceVersion)).append('|')
                .append(header(type)).append('|').append(header(type + (audit.resource() == null ? "" : " " + audit.resource())))
                .append('|').append(audit.cefSeverity()).append('|');
        StringBuilder ext = new StringBuilder(256);
        add(ext, "rt", String.valueOf(record.timestamp().toEpochMilli()));
        add(ext, "externalId", record.id());
        add(ext, "act", type);
        add(ext, "cat", audit.resource());
        add(ext, "suser", audit.userId());
        String ip = audit.ipAddress();
        if (ip != null && IPV4.matcher(ip).matches()) {
            add(ext, "src", ip);
        } else if (ip != null && ip.contains(":")) {
            add(ext, "c6a2", ip);
            add(ext, "c6a2Label", "Source IPv6 Address");
        } else {
            add(ext, "shost", ip);
        }
        labelled(ext, 1, "namespace", audit.namespace());
        labelled(ext, 2, "resourceClass", audit.resourceClass());
        labelled(ext, 3, "resourceId", audit.resourceId());
        labelled(ext, 4, "tenantId", audit.tenantId());
        labelled(ext, 5, "impersonatedBy", audit.impersonatedBy());
        labelled(ext, 6, "flowId", audit.flowId());
        if (audit.log().path("detail").path("revision").canConvertToInt()) {
            add(ext, "cn1", audit.log().path("detail").path("revision").asText());
            add(ext, "cn1Label", "revision");
        }
        if ("LOGIN_FAILURE".equals(type) || "LOGIN".equals(type)) {
            add(ext, "outcome", type.equals("LOGIN") ? "success" : "failure");
        }
        cef.append(ext);
        int room = maxBytes - utf8(cef) - " msg=".length();
        if (audit.log().has("detail") && room > Truncation.MARKER.length() + 16) {
            cef.append(cef.charAt(cef.length() - 1) == '|' ? "" : " ").append("msg=")
                    .append(cut(value(audit.log().path("detail").toString()), room));
        }
        return utf8(cef) <= maxBytes ? cef.toString() : cut(cef.toString(), maxBytes);
    }

    private static void labelled(StringBuilder ext, int n, String label, String value) {
        if (value != null) {
            add(ext, "cs" + n, value);
            add(ext, "cs" + n + "Label", label);
        }
    }

    private static void add(StringBuilder ext, String key, String value) {
        if (value == null) {
            return;
        }
        if (!ext.isEmpty()) {
            ext.append(' ');
        }
        ext.append(key).append('=').append(value(value));
    }

    /** A header field: {@code \} and {@code |} escaped; line breaks, which the header may not hold, as spaces. */
    static String header(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /** An extension value: {@code \} and {@code =} escaped, line breaks as {@code \n} and {@code \r}. */
    static String value(String text) {
        return text.replace("\\", "\\\\").replace("=", "\\=").replace("\r", "\\r").replace("\n", "\\n");
    }

    /** Cut with the marker, never inside an escape (a trailing lone backslash would escape the marker's first character). */
    private static String cut(String escaped, int maxBytes) {
        String cut = Truncation.toUtf8Bytes(escaped, maxBytes);
        if (!cut.endsWith(Truncation.MARKER) || cut.equals(escaped)) {
            return cut;
        }
        String head = cut.substring(0, cut.length() - Truncation.MARKER.length());
        int slashes = 0;
        while (slashes < head.length() && head.charAt(head.length() - 1 - slashes) == '\\') {
            slashes++;
        }
        return (slashes % 2 == 1 ? head.substring(0, head.length() - 1) : head) + Truncation.MARKER;
    }

    private static int utf8(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
