package io.auditshipper.pipeline;

import io.auditshipper.model.Offset;
import io.auditshipper.offset.FileOffsetStore;
import org.h2.api.Trigger;

import java.sql.Connection;
import java.util.Optional;

/**
 * An H2 {@code BEFORE SELECT} trigger that holds the pass's second page query (the second query of the read-ahead
 * thread) until the first batch's offset is stored, for at most ten seconds, and records what released it.
 */
public final class SecondPageHold implements Trigger {

    private static final long WAIT_MILLIS = 10_000;
    private static FileOffsetStore store;
    private static String exporterId;
    private static Offset firstBatchEnd;
    private static int pageQueries;
    private static volatile Boolean releasedByTheCommit;

    static synchronized void arm(FileOffsetStore offsets, String exporter, Offset endOfTheFirstBatch) {
        store = offsets;
        exporterId = exporter;
        firstBatchEnd = endOfTheFirstBatch;
        pageQueries = 0;
        releasedByTheCommit = null;
    }

    /** Whether the held query went on because the first batch was committed (null: no second page was read). */
    static Boolean releasedByTheCommit() {
        return releasedByTheCommit;
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws java.sql.SQLException {
        if (!Thread.currentThread().getName().equals("source-read-ahead") || nextPageQuery() != 2) {
            return;
        }
        long giveUpAt = System.currentTimeMillis() + WAIT_MILLIS;
        while (!committed() && System.currentTimeMillis() < giveUpAt) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        releasedByTheCommit = committed();
    }

    private static synchronized int nextPageQuery() {
        return ++pageQueries;
    }

    private static boolean committed() {
        return store.load().of(exporterId).equals(Optional.of(firstBatchEnd));
    }
}
