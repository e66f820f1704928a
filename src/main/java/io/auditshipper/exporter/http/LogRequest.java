package io.auditshipper.exporter.http;

import io.auditshipper.model.AuditLogRecord;

import java.util.List;

/** One HTTP request an exporter sends: the records it carries and its body, already encoded (and gzipped). */
public record LogRequest(List<AuditLogRecord> records, byte[] body) {
}
