package io.auditshipper.exporter.encoding;

import java.nio.charset.StandardCharsets;

/**
 * Cuts a log message that is over a destination's size limit, keeping its head and ending it with a
 * marker that says it was cut, rather than dropping the log.
 */
public final class Truncation {

    public static final String MARKER = "...[truncated by kestra-audit-shipper: over the destination's size limit]";

    private Truncation() {
    }

    /** The message if its UTF-8 form has at most {@code maxBytes}, else its head plus {@link #MARKER} within them. */
    public static String toUtf8Bytes(String message, int maxBytes) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return message;
        }
        String head = new String(bytes, 0, maxBytes - MARKER.length(), StandardCharsets.UTF_8);
        // A multi-byte character cut in two decodes as U+FFFD (itself 3 bytes): drop it.
        if (head.endsWith("\uFFFD")) {
            head = head.substring(0, head.length() - 1);
        }
        return head + MARKER;
    }
}
