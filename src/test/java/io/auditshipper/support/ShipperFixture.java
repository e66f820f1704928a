package io.auditshipper.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.ShipperApp;
import io.auditshipper.config.ConfigLoader;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.config.SourceConfig;
import io.auditshipper.jdbc.Database;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One shipper under test: a config (task YAML) on a fresh table of H2 or PostgreSQL, file exporters
 * writing under a temporary directory, and helpers to load rows and read back what was shipped.
 */
public final class ShipperFixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final String backend;
    public final Path directory;
    public final String url;
    public final String table = TestDatabases.freshTable();
    public final MutableClock clock;
    /** The exporters' retry waits, recorded rather than slept through (the tests read which waits were chosen). */
    public final RecordingSleeper retryWaits = new RecordingSleeper();

    public ShipperFixture(String backend, Path directory, Instant now) {
        this.backend = backend;
        this.directory = directory;
        this.url = TestDatabases.url(backend, directory);
        this.clock = new MutableClock(now);
    }

    /** A fixture on embedded H2 whose table already holds {@code rows}. */
    public static ShipperFixture h2With(Path directory, Instant now, List<AuditLogTable.Row> rows) throws SQLException {
        ShipperFixture fixture = new ShipperFixture("h2", directory, now);
        fixture.insert(rows);
        return fixture;
    }

    /** The YAML of the source block for this fixture's table, to splice into a task. */
    public String sourceYaml(int pageSize) {
        return "source:\n  type: jdbc\n  url: \"" + url + "\"\n  table: " + table + "\n  pageSize: " + pageSize
                + "\n  createTable: true\n";
    }

    public String outputDirectory(String exporterId) {
        return directory.resolve("out-" + exporterId).toString();
    }

    public String fileExporterYaml(String exporterId) {
        return "  - id: " + exporterId + "\n    type: io.kestra.plugin.ee.core.log.FileLogExporter\n"
                + "    outputDirectory: \"" + outputDirectory(exporterId) + "\"\n";
    }

    /**
     * A task on this fixture's table with offsets and dead letters under the test directory, fast backoff,
     * a file exporter "file" beside the {@code exporters} given (YAML list entries), for exporter tests.
     */
    public String taskWith(String exporters) {
        return "type: io.kestra.plugin.ee.core.log.AuditLogShipper\noffsetKey: test\nchunk: 1000\n"
                + "deadLetterDirectory: \"" + directory.resolve("dead-letter") + "\"\n"
                + "backoff:\n  maxRetries: 3\n  initialDelay: PT0.05S\n  maxDelay: PT2S\n" + sourceYaml(700)
                + "offsetStore:\n  type: file\n  directory: \"" + directory.resolve("state") + "\"\n"
                + "logExporters:\n" + fileExporterYaml("file") + exporters;
    }

    public ShipperConfig config(String taskYaml) {
        return config(taskYaml, Map.of());
    }

    /** The config with {@code {{ secret('NAME') }}} resolved from {@code secrets}. */
    public ShipperConfig config(String taskYaml, Map<String, String> secrets) {
        return new ConfigLoader(secrets::get, directory.resolve("secrets")).parse(taskYaml, "test");
    }

    public Pass runOnce(ShipperConfig config) throws Exception {
        try (ShipperApp app = app(config)) {
            return app.runOnce();
        }
    }

    /** A shipper on this fixture's clock whose exporters' retry waits go to {@link #retryWaits}. */
    public ShipperApp app(ShipperConfig config) {
        return new ShipperApp(config, clock, retryWaits);
    }

    public Database database() {
        return new Database(url, null, null);
    }

    public AuditLogTable auditLogTable() {
        return new AuditLogTable(database(), table, SourceConfig.Columns.DEFAULT);
    }

    public void insert(List<AuditLogTable.Row> rows) throws SQLException {
        try (Connection connection = database().connect()) {
            AuditLogTable t = auditLogTable();
            t.create(connection);
            for (int from = 0; from < rows.size(); from += 2000) {
                t.insert(connection, rows.subList(from, Math.min(rows.size(), from + 2000)));
            }
        }
    }

    public long countRows() throws SQLException {
        try (Connection connection = database().connect(); Statement s = connection.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM " + Database.quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The ids an exporter wrote, file by file in name order and line by line: the shipping order. */
    public List<String> shippedIds(String exporterId) {
        Path out = Path.of(outputDirectory(exporterId));
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path file : files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    ids.add(idOf(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    /** The audit log id of one shipped NDJSON line. */
    public static String idOf(String line) {
        try {
            return JSON.readTree(line).path("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The logs of the rows in shipping order: (timestamp, id); for ASCII ids, such as the demo's, every source's. */
    public static List<AuditLogRecord> inShippingOrder(List<AuditLogTable.Row> rows) {
        return rows.stream().map(AuditLogTable.Row::log)
                .sorted(Comparator.comparing(AuditLogRecord::offset, OffsetOrder.CODE_POINT)).toList();
    }

    /** The ids of the rows in shipping order. */
    public static List<String> idsInShippingOrder(List<AuditLogTable.Row> rows) {
        return inShippingOrder(rows).stream().map(AuditLogRecord::id).toList();
    }
}
