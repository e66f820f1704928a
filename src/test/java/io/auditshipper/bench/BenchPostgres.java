package io.auditshipper.bench;

import io.auditshipper.config.SourceConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.jdbc.Database;
import io.auditshipper.source.AuditLogTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.OutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * For bench/run.sh: starts a real PostgreSQL, loads N synthetic audit logs with COPY, times the read
 * limit (a raw {@code COPY ... TO STDOUT} of the same rows in the shipper's order), writes the port to
 * {@code <work>/pg.port}, and keeps PostgreSQL up until {@code <work>/stop} appears.
 */
public final class BenchPostgres {

    public static void main(String[] args) throws Exception {
        int logs = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pgdata"))
                .setCleanDataDirectory(true).start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            load(url, logs);
            rawCopy(url, logs);
            Files.writeString(work.resolve("pg.port"), Integer.toString(pg.getPort()));
            while (!Files.exists(work.resolve("stop"))) {
                Thread.sleep(200);
            }
        }
    }

    private static void load(String url, int logs) throws Exception {
        long start = System.nanoTime();
        Database database = new Database(url, null, null);
        DemoAuditLogs demo = new DemoAuditLogs(1);
        Instant to = Instant.now().truncatedTo(ChronoUnit.MICROS).minus(Duration.ofMinutes(10));
        try (Connection connection = DriverManager.getConnection(url)) {
            new AuditLogTable(database, "audit_logs", SourceConfig.Columns.DEFAULT).create(connection);
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            for (int done = 0; done < logs; done += 50_000) {
                List<AuditLogTable.Row> rows = demo.rows(Math.min(50_000, logs - done), to.minus(Duration.ofHours(6)), to);
                StringBuilder csv = new StringBuilder(rows.size() * 700);
                for (AuditLogTable.Row row : rows) {
                    csv.append(row.log().id()).append(",\"").append(row.log().json().replace("\"", "\"\"")).append("\",")
                            .append(row.tenant()).append(',').append(row.namespace()).append(',').append(row.resource())
                            .append(',').append(row.log().timestamp()).append('\n');
                }
                copy.copyIn("COPY audit_logs (\"key\", \"value\", \"tenant_id\", \"namespace\", \"resource\", \"timestamp\")"
                        + " FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
            }
            try (var statement = connection.createStatement()) {
                statement.execute("VACUUM ANALYZE audit_logs");
            }
        }
        System.out.printf("loaded %,d logs into PostgreSQL in %.1f s%n", logs, (System.nanoTime() - start) / 1e9);
    }

    /** The read limit: the same rows, in the same order, straight out of PostgreSQL. */
    private static void rawCopy(String url, int logs) throws Exception {
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
            long rows = copy.copyOut("COPY (SELECT \"key\", \"value\", \"timestamp\" FROM audit_logs"
                    + " ORDER BY \"timestamp\", \"key\" COLLATE \"C\") TO STDOUT", counter);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("RAW %d %.3f %d%n", rows, seconds, bytes[0]);
            if (rows != logs) {
                throw new IllegalStateException("raw COPY read " + rows + " rows, expected " + logs);
            }
        }
    }
}
