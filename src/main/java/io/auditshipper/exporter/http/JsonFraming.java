package io.auditshipper.exporter.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A JSON body that is its entries between a head and a tail, separated by commas: {@code [e1,e2]} for a
 * bare array, or an array inside a wrapper ({@code [{"common":...,"logs":[e1,e2]}]}). Its size is exact.
 */
public record JsonFraming(byte[] head, byte[] tail) {

    public static final JsonFraming ARRAY = of("[", "]");

    /** A destination whose body is its entries in a JSON framing: it writes the entries, the framing does the rest. */
    public interface Encoder extends RequestEncoder {

        JsonFraming framing();

        @Override
        default long bodySize(int entries, long entryBytes) {
            return framing().bodySize(entries, entryBytes);
        }

        @Override
        default byte[] body(List<byte[]> entries) {
            return framing().body(entries);
        }
    }

    public static JsonFraming of(String head, String tail) {
        return new JsonFraming(head.getBytes(StandardCharsets.UTF_8), tail.getBytes(StandardCharsets.UTF_8));
    }

    public long bodySize(int entries, long entryBytes) {
        return head.length + entryBytes + Math.max(0, entries - 1) + tail.length;
    }

    public byte[] body(List<byte[]> entries) {
        long entryBytes = entries.stream().mapToLong(entry -> entry.length).sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, bodySize(entries.size(), entryBytes)));
        out.writeBytes(head);
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(entries.get(i));
        }
        out.writeBytes(tail);
        return out.toByteArray();
    }
}
