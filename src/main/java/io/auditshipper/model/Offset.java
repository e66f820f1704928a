package io.auditshipper.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Position of an audit log in the source order: (timestamp, id). A bare timestamp is not enough,
 * since many logs can share one; the id breaks ties so a boundary is never crossed twice or skipped.
 * Offsets are compared in their source's {@link OffsetOrder}, since sources order ids differently.
 */
public record Offset(Instant timestamp, String id) {

    public Offset {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(id, "id");
    }

    /** The position before every log stamped at or after {@code timestamp}. */
    public static Offset before(Instant timestamp) {
        return new Offset(timestamp, "");
    }

    // Written out instead of the record's generated ones, which bootstrap through method handles at their first
    // call (30-40 ms, on the path to the first commit: the late-arrival record hashes every log it keeps).
    @Override
    public boolean equals(Object other) {
        return other instanceof Offset offset && timestamp.equals(offset.timestamp) && id.equals(offset.id);
    }

    @Override
    public int hashCode() {
        return 31 * timestamp.hashCode() + id.hashCode();
    }

    @Override
    public String toString() {
        return timestamp + (id.isEmpty() ? "" : "/" + id);
    }
}
