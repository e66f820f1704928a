package io.auditshipper.offset;

/** A KV store that keeps {@link StoredOffsets} under the task's {@code offsetKey}. */
public interface OffsetStore extends AutoCloseable {

    /** The stored offsets, or {@link StoredOffsets#NONE} when nothing was stored yet. */
    StoredOffsets load();

    /** Stores durably: once this returns, a crash does not lose the offsets. */
    void save(StoredOffsets offsets);

    String describe();

    @Override
    default void close() {
    }
}
