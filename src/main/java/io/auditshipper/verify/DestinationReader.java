package io.auditshipper.verify;

import java.io.IOException;
import java.time.Instant;

/**
 * What an exporter's destination holds, read back for {@code --verify}: every record that may lie in a range is
 * handed to {@code each}, streamed (never the whole destination in memory). A reader may hand records outside the
 * range too (the check sorts them out by date); it must not leave out one inside it.
 */
public interface DestinationReader extends AutoCloseable {

    /**
     * One record a destination holds: its audit log id, its date when the record has a readable one, and whether its
     * content fails the destination's own integrity check ({@link #checksContent()}).
     */
    record HeldLog(String id, Instant date, boolean edited) {

        public HeldLog(String id, Instant date) {
            this(id, date, false);
        }
    }

    @FunctionalInterface
    interface Each {
        void held(HeldLog log);
    }

    /** Hands on the records that may lie in [from, until]; the number of records read without an id. */
    long read(Instant from, Instant until, Each each) throws IOException;

    /** Whether it checks each record's content too (a hash the record carries), beside its id. */
    default boolean checksContent() {
        return false;
    }

    /** Where it reads, for the report: the directory, bucket or index. */
    String describe();

    @Override
    default void close() {
    }
}
