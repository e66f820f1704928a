package io.auditshipper.exporter.http;

import io.auditshipper.model.AuditLogRecord;

import java.util.List;

/**
 * One HTTP request an exporter sends: the records it carries, their encoded entries (to build a part of it
 * again, see {@link RequestPacker#part}), and its body as sent (gzipped where the destination takes gzip).
 */
public record LogRequest(List<AuditLogRecord> records, List<byte[]> entries, byte[] body) {
}
