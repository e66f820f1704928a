package io.auditshipper.exporter.encoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.model.AuditLogRecord;

import java.io.IOException;
import java.util.Locale;

/**
 * The fields of a Kestra audit log that SIEM formats (CEF, GELF) lift out of the record, read once, and how
 * severe its action is. Absent fields are null.
 */
public record AuditFields(JsonNode log, String id, String type, String userId, String ipAddress, String tenantId,
                          String impersonatedBy, String resource, String resourceClass, String resourceId,
                          String namespace, String flowId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static AuditFields of(AuditLogRecord record) throws IOException {
        JsonNode log = JSON.readTree(record.json());
        JsonNode detail = log.path("detail");
        String resourceClass = text(detail.path("type"));
        String resource = text(detail.path("resourceType"));
        if (resource == null) {
            resource = text(detail.path("permission"));
        }
        if (resource == null && resourceClass != null) {
            resource = resourceClass.substring(resourceClass.lastIndexOf('.') + 1).toUpperCase(Locale.ROOT);
        }
        return new AuditFields(log, record.id(), text(log.path("type")), text(log.path("userId")),
                text(log.path("ipAddress")), text(log.path("tenantId")), text(log.path("impersonatedBy")), resource,
                resourceClass, text(detail.path("id")), text(detail.path("namespace")), text(detail.path("flowId")));
    }

    /** CEF's severity, 0 (lowest) to 10: what a security team would look at first scores highest. */
    public int cefSeverity() {
        return switch (type == null ? "" : type) {
            case "READ", "LOGOUT" -> 1;
            case "DELETE" -> 5;
            case "IMPERSONATE", "LOGIN_FAILURE" -> 6;
            case "ACCOUNT_LOCKED" -> 8;
            default -> 3;
        };
    }

    /** The syslog severity (RFC 5424, also GELF's {@code level}) of the CEF severity: 6 informational, 5 notice, 4 warning. */
    public int syslogSeverity() {
        int cef = cefSeverity();
        return cef <= 3 ? 6 : cef <= 6 ? 5 : 4;
    }

    /** What happened, in a few words: {@code DELETE FLOW company.team/flow-3 by alice}. */
    public String summary() {
        StringBuilder text = new StringBuilder(type == null ? "UNKNOWN" : type);
        if (resource != null) {
            text.append(' ').append(resource);
        }
        if (namespace != null || resourceId != null) {
            text.append(' ').append(namespace == null ? "" : namespace)
                    .append(namespace != null && (flowId != null || resourceId != null) ? "/" : "")
                    .append(flowId != null ? flowId : resourceId == null ? "" : resourceId);
        }
        if (userId != null) {
            text.append(" by ").append(userId);
        }
        return text.toString();
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }
}
