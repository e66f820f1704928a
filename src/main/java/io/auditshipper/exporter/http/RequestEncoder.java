package io.auditshipper.exporter.http;

import io.auditshipper.model.AuditLogRecord;

import java.io.IOException;
import java.util.List;

/** Turns records into one request body in a destination's format. */
@FunctionalInterface
public interface RequestEncoder {

    byte[] encode(List<AuditLogRecord> records) throws IOException;
}
