package io.auditshipper.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** For bench/run.sh: {@code BenchSql PORT SQL...} runs each statement on the benchmark's PostgreSQL (no psql needed). */
public final class BenchSql {

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + args[0] + "/postgres?user=postgres");
             Statement statement = connection.createStatement()) {
            for (int i = 1; i < args.length; i++) {
                statement.execute(args[i]);
            }
        }
    }
}
