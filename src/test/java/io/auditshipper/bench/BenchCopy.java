package io.auditshipper.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.OutputStream;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * For bench/run.sh: {@code BenchCopy PORT N} times the read limit, a raw
 * {@code COPY (SELECT key, value, timestamp FROM audit_logs ORDER BY timestamp, key) TO STDOUT} of the
 * rows the shipper reads, in the shipper's order, through the JDBC driver's CopyManager into a byte
 * counter. Prints {@code RAW <rows> <seconds> <bytes>}; fails unless it read N rows.
 */
public final class BenchCopy {

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/postgres?user=postgres";
        long logs = Long.parseLong(args[1]);
        try (Connection connection = DriverManager.getConnection(url)) {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            long[] bytes = {0};
            OutputStream counter = new OutputStream() {
                @Override
                public void write(int b) {
                    bytes[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes[0] += len;
                }
            };
            long start = System.nanoTime();
            // The key column is COLLATE "C" already (AuditLogTable), as in the shipper's keyset order.
            long rows = copy.copyOut("COPY (SELECT \"key\", \"value\", \"timestamp\" FROM audit_logs"
                    + " ORDER BY \"timestamp\", \"key\" COLLATE \"C\") TO STDOUT", counter);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("RAW %d %.3f %d%n", rows, seconds, bytes[0]);
            if (rows != logs) {
                System.err.println("raw COPY read " + rows + " rows, expected " + logs);
                System.exit(1);
            }
        }
    }
}
