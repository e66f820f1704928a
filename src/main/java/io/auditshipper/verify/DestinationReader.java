package io.auditshipper.verify;

import java.io.IOException;
import java.time.Instant;

/**
 * What an exporter's destination holds, read back for {@code --verify}: every record that may lie in a range is
 * handed to {@code each}, streamed (never the whole destination in memory). A reader may hand records outside the
 * range too (the check sorts them out by date); it must not leave out one inside it.
 */
public interface DestinationReader extends AutoCloseable {

    /** One record a destination holds: its audit log id, and its date when the record has a readable one. */
    record HeldLog(String id, Instant date) {
    }

    @FunctionalInterface
    interface Each {
        void held(HeldLog log);
    }

    /** Hands on the records that may lie in [from, until]; the number of records read without an id. */
    long read(Instant from, Instant until, Each each) throws IOException;

    /** Where it reads, for the report: the directory, bucket or index. */
    String describe();

    @Override
    default void close() {
    }
}
