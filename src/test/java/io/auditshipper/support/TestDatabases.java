package io.auditshipper.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The databases the tests ship from: a real PostgreSQL (binaries from Maven Central, started once per
 * test JVM on 127.0.0.1) and embedded H2 files.
 */
public final class TestDatabases {

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger TABLES = new AtomicInteger();

    private TestDatabases() {
    }

    public static synchronized String postgresUrl() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public static String h2Url(Path directory) {
        return "jdbc:h2:file:" + directory.resolve("audit-logs").toAbsolutePath();
    }

    /** A URL of the named backend ("h2" or "postgres"); H2 files go under {@code directory}. */
    public static String url(String backend, Path directory) {
        return backend.equals("postgres") ? postgresUrl() : h2Url(directory);
    }

    /** A table name no other test uses, so tests can share the PostgreSQL server. */
    public static String freshTable() {
        return "audit_logs_" + TABLES.incrementAndGet() + "_" + ProcessHandle.current().pid();
    }
}
