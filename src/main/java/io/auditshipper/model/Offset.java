package io.auditshipper.model;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * Position of an audit log in the source order: (timestamp, id). A bare timestamp is not enough,
 * since many logs can share one; the id breaks ties so a boundary is never crossed twice or skipped.
 */
public record Offset(Instant timestamp, String id) implements Comparable<Offset> {

    private static final Comparator<Offset> ORDER =
            Comparator.comparing(Offset::timestamp).thenComparing(Offset::id);

    public Offset {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(id, "id");
    }

    /** The position before every log stamped at or after {@code timestamp}. */
    public static Offset before(Instant timestamp) {
        return new Offset(timestamp, "");
    }

    @Override
    public int compareTo(Offset other) {
        return ORDER.compare(this, other);
    }

    public boolean isBefore(Offset other) {
        return compareTo(other) < 0;
    }

    public static Offset max(Offset a, Offset b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return timestamp + (id.isEmpty() ? "" : "/" + id);
    }
}
