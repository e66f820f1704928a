package io.auditshipper.offset;

/**
 * A KV store that keeps, under the task's {@code offsetKey}, the {@link StoredOffsets} and beside them (under
 * {@code <offsetKey>.recent}) the {@link RecentlyShipped} logs of the late-arrival window.
 */
public interface OffsetStore extends AutoCloseable {

    /** The suffix of the key that the recently shipped logs are kept under. */
    String RECENT = ".recent";

    /** The value stored under {@code offsetKey + suffix}, or null when there is none. */
    String read(String suffix);

    /** Stores durably: once this returns, a crash does not lose the value. */
    void write(String suffix, String value);

    /** Where {@code offsetKey + suffix} is kept, for messages, without credentials. */
    String describe(String suffix);

    default String describe() {
        return describe("");
    }

    /** The stored offsets, or {@link StoredOffsets#NONE} when nothing was stored yet (never for a value it cannot read). */
    default StoredOffsets load() {
        String value = read("");
        return value == null ? StoredOffsets.NONE : StoredOffsets.fromJson(value, describe());
    }

    default void save(StoredOffsets offsets) {
        write("", offsets.toJson());
    }

    default RecentlyShipped loadRecent() {
        String value = read(RECENT);
        return value == null ? RecentlyShipped.none() : RecentlyShipped.fromJson(value, describe(RECENT));
    }

    default void saveRecent(RecentlyShipped recent) {
        write(RECENT, recent.toJson());
    }

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
