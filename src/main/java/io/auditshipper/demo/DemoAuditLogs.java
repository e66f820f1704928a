package io.auditshipper.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.config.SourceConfig;
import io.auditshipper.jdbc.Database;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.source.AuditLogTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Synthetic audit logs shaped like Kestra's: every resource type of the seed, CRUD and login actions,
 * nested namespaces, and runs of logs that share one timestamp (the case a bare-timestamp offset gets
 * wrong). Used by {@code --demo N}, the tests and the benchmark.
 */
public final class DemoAuditLogs {

    private static final Logger LOG = LoggerFactory.getLogger(DemoAuditLogs.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String[] RESOURCES = {"FLOW", "EXECUTION", "NAMESPACE", "USER", "GROUP", "ROLE", "BINDING",
            "SECRET", "KVSTORE", "TEMPLATE", "BLUEPRINT", "SETTING", "APP", "APITOKEN", "DASHBOARD", "TENANT"};
    private static final String[] ACTIONS = {"CREATE", "READ", "UPDATE", "DELETE", "LOGIN", "LOGOUT"};
    private static final String[] NAMESPACES = {"company", "company.team", "company.team.data", "company.ops",
            "system", "prod.billing", "prod.billing.invoices"};

    /** The longest JSON value H2 keeps in the row of the demo's database: see {@link #storeValuesInRows}. */
    private static final int INLINE_VALUE_BYTES = 4096;

    private final Random random;

    public DemoAuditLogs(long seed) {
        this.random = new Random(seed);
    }

    /** {@code count} rows stamped between {@code from} and {@code to}, in no particular order. */
    public List<AuditLogTable.Row> rows(int count, Instant from, Instant to) {
        List<AuditLogTable.Row> rows = new ArrayList<>(count);
        long spanMicros = Math.max(1, ChronoUnit.MICROS.between(from, to));
        Instant shared = from;
        for (int i = 0; i < count; i++) {
            // About one log in three shares its timestamp with the one before it.
            if (i == 0 || random.nextInt(3) != 0) {
                shared = from.plus((long) (random.nextDouble() * spanMicros), ChronoUnit.MICROS);
            }
            rows.add(row(shared));
        }
        return rows;
    }

    public AuditLogTable.Row row(Instant date) {
        String resource = RESOURCES[random.nextInt(RESOURCES.length)];
        String namespace = NAMESPACES[random.nextInt(NAMESPACES.length)];
        String id = id();
        ObjectNode log = JSON.createObjectNode();
        log.put("tenantId", "main");
        log.put("id", id);
        log.put("type", ACTIONS[random.nextInt(ACTIONS.length)]);
        ObjectNode detail = log.putObject("detail");
        detail.put("type", "io.kestra.core.models." + resource.toLowerCase() + "s." + resource.charAt(0)
                + resource.substring(1).toLowerCase());
        detail.put("id", id());
        detail.put("permission", resource);
        detail.put("resourceType", resource);
        detail.put("namespace", namespace);
        if (resource.equals("FLOW") || resource.equals("EXECUTION")) {
            detail.put("flowId", "flow-" + random.nextInt(50));
            detail.put("revision", 1 + random.nextInt(9));
        }
        if (resource.equals("EXECUTION")) {
            detail.put("executionId", id());
        }
        log.put("date", date.toString());
        log.put("userId", "user-" + random.nextInt(20) + "@example.com");
        log.put("ipAddress", "10.0." + random.nextInt(256) + "." + random.nextInt(256));
        log.put("deleted", false);
        return new AuditLogTable.Row(new AuditLogRecord(id, date, log.toString()), "main", namespace, resource);
    }

    private String id() {
        char[] id = new char[22];
        for (int i = 0; i < id.length; i++) {
            id[i] = BASE62.charAt(random.nextInt(BASE62.length()));
        }
        return new String(id);
    }

    /**
     * {@code --demo N}: N logs into the JDBC source, stamped over the 30 seconds before the settle delay,
     * so that they are after the offset of any earlier run and shipped by the pass that follows. Written on a
     * thread of its own, so that the caller can start Camel meanwhile (on two cores, the two take about as long);
     * a source that is not JDBC is refused at once. The future completes once every log is committed: a pass must
     * not start before, or it would move its offsets past logs still to come.
     */
    public static CompletableFuture<Void> writeInBackground(ShipperConfig config, int count) {
        if (config.source().kind() != SourceConfig.Kind.JDBC) {
            throw new ConfigException("--demo writes into a jdbc source; this config reads from " + config.source().kind());
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                write(config, count);
                written.complete(null);
            } catch (Throwable e) {
                written.completeExceptionally(e);
            }
        }, "demo-writer");
        writer.setDaemon(true);
        writer.start();
        return written;
    }

    private static void write(ShipperConfig config, int count) throws SQLException {
        SourceConfig source = config.source();
        Database database = new Database(source.url(), source.username(), source.password());
        AuditLogTable table = new AuditLogTable(database, source.table(), source.columns());
        Instant to = Instant.now().truncatedTo(ChronoUnit.MICROS).minus(config.settleDelay()).minusSeconds(1);
        DemoAuditLogs demo = new DemoAuditLogs(System.nanoTime());
        try (Connection connection = database.connect()) {
            if (!database.isPostgres()) {
                storeValuesInRows(connection);
            }
            table.create(connection);
            for (int written = 0; written < count; written += 5000) {
                table.insert(connection, demo.rows(Math.min(5000, count - written), to.minus(Duration.ofSeconds(30)), to));
            }
        }
        LOG.info("demo: wrote {} synthetic audit logs into {}", count, database.describe());
    }

    /**
     * H2 keeps a CHARACTER LARGE OBJECT longer than 256 bytes (every audit log's JSON) in its separate LOB store, and
     * copies each one into a temporary LOB again when a query reads it: the demo's 10,000 logs took twice as long to
     * write and their first page of 5000 three times as long to read. Up to 4 KB, a value is kept in its row instead
     * (a setting of the database, kept with it; values already stored stay where they are). Only an admin of the
     * database may change it: for another user the values go to the LOB store as before, slower, nothing else.
     */
    private static void storeValuesInRows(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET MAX_LENGTH_INPLACE_LOB " + INLINE_VALUE_BYTES);
        } catch (SQLException e) {
            LOG.debug("demo: the JSON values stay in H2's LOB store: {}", e.getMessage());
        }
    }
}
