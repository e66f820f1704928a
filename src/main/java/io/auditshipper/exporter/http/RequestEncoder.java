package io.auditshipper.exporter.http;

import io.auditshipper.model.AuditLogRecord;

import java.io.IOException;
import java.util.List;

/**
 * A destination's request format, record by record: each record is encoded once into its entry, and a body is
 * its entries put together, so a request's size is known from its entries' sizes before it is built
 * ({@link RequestPacker}).
 */
public interface RequestEncoder {

    /** One record as it stands in a body. */
    byte[] entry(AuditLogRecord record) throws IOException;

    /** The size before compression of a body holding {@code entries} entries of {@code entryBytes} bytes in all. */
    long bodySize(int entries, long entryBytes);

    /** The body holding these entries, in order. */
    byte[] body(List<byte[]> entries) throws IOException;
}
