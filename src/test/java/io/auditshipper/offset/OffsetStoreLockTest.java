package io.auditshipper.offset;

import io.auditshipper.jdbc.Database;
import io.auditshipper.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Only one shipper at a time may hold an offset key: a file lock, or a PostgreSQL advisory lock. */
class OffsetStoreLockTest {

    @TempDir
    Path dir;

    private static void onlyOneHolds(OffsetStore first, OffsetStore second) {
        first.lock();
        assertThatThrownBy(second::lock).isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("another shipper holds").hasMessageContaining("only one instance");
        first.close();
        assertThatCode(second::lock).doesNotThrowAnyException();
        second.close();
    }

    @Test
    void theFileStoreLetsOneShipperHoldTheKey() {
        onlyOneHolds(new FileOffsetStore(dir, "shared"), new FileOffsetStore(dir, "shared"));
        assertThatCode(() -> {
            new FileOffsetStore(dir, "one").lock();
            new FileOffsetStore(dir, "other").lock();
        }).as("other keys are other locks").doesNotThrowAnyException();
    }

    /**
     * Handed over many times in a row, as a shipper started right after another stops: the key is free as soon as
     * close() returns (the server would release a closed session's lock a moment later, once its backend is gone).
     */
    @Test
    void thePostgresStoreLetsOneShipperHoldTheKey() {
        Database postgres = new Database(TestDatabases.postgresUrl(), null, null);
        for (int handover = 0; handover < 50; handover++) {
            onlyOneHolds(new JdbcOffsetStore(postgres, "lock_test_offsets", "shared"),
                    new JdbcOffsetStore(postgres, "lock_test_offsets", "shared"));
        }
    }
}
