package io.auditshipper.model;

import java.time.Instant;

/**
 * One audit log as read from the source: its id, its date, and the Kestra AuditLog JSON exactly as
 * stored. Exporters ship {@code json} unchanged, so every destination receives the same shape.
 */
public record AuditLogRecord(String id, Instant timestamp, String json) {

    public Offset offset() {
        return new Offset(timestamp, id);
    }
}
