package io.auditshipper.offset;

/** A KV store that keeps {@link StoredOffsets} under the task's {@code offsetKey}. */
public interface OffsetStore extends AutoCloseable {

    /** The stored offsets, or {@link StoredOffsets#NONE} when nothing was stored yet. */
    StoredOffsets load();

    /** Stores durably: once this returns, a crash does not lose the offsets. */
    void save(StoredOffsets offsets);

    String describe();

    /**
     * Takes this offset key for this process, so that two shippers never ship the same logs: the lock is
     * held until {@link #close()}, and released by the OS or the database when the process dies.
     *
     * @throws OffsetStoreException when another process holds it
     */
    void lock();

    /** Releases the lock, if held. */
    @Override
    default void close() {
    }
}
