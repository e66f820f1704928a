package io.auditshipper.exporter.http;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * A body that is its entries one after the other with a separator between them (none for Splunk HEC's
 * concatenated events, a newline for Graylog's bulk GELF): the sibling of {@link JsonFraming} for intakes
 * that take a stream of JSON objects rather than an array. Its size is exact.
 */
public interface Delimited extends RequestEncoder {

    /** What stands between two entries. */
    byte[] separator();

    @Override
    default long bodySize(int entries, long entryBytes) {
        return entryBytes + (long) Math.max(0, entries - 1) * separator().length;
    }

    @Override
    default byte[] body(List<byte[]> entries) {
        long entryBytes = entries.stream().mapToLong(entry -> entry.length).sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, bodySize(entries.size(), entryBytes)));
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                out.writeBytes(separator());
            }
            out.writeBytes(entries.get(i));
        }
        return out.toByteArray();
    }
}
