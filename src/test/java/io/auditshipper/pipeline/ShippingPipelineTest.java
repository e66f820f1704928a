package io.auditshipper.pipeline;

import io.auditshipper.ShipperApp;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.encoding.RecordFormat;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.observe.ShipperMeters;
import io.auditshipper.offset.FileOffsetStore;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The no-gaps, no-duplicates promise, end to end through the Camel routes, on H2 and on a real PostgreSQL.
 */
class ShippingPipelineTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final String TASK = "id: ship\ntype: io.kestra.plugin.ee.core.log.AuditLogShipper\n"
            + "offsetKey: test\nsettleDelay: PT5S\nbackoff:\n  maxRetries: 0\n  initialDelay: PT0.01S\n";

    @TempDir
    Path dir;

    private String task(ShipperFixture f, int chunk, int pageSize, String extra, String... exporterIds) {
        StringBuilder yaml = new StringBuilder(TASK).append("chunk: ").append(chunk).append('\n')
                .append(f.sourceYaml(pageSize))
                .append("offsetStore:\n  type: file\n  directory: \"").append(dir.resolve("state")).append("\"\n")
                .append(extra).append("logExporters:\n");
        for (String id : exporterIds) {
            yaml.append(f.fileExporterYaml(id));
        }
        return yaml.toString();
    }

    /** Runs of {@code run} logs sharing one timestamp, one second apart, ending a minute before NOW. */
    private static List<AuditLogTable.Row> sharedTimestamps(int count, int run, long seed) {
        DemoAuditLogs demo = new DemoAuditLogs(seed);
        List<AuditLogTable.Row> rows = new ArrayList<>();
        Instant start = NOW.minus(Duration.ofHours(2));
        for (int i = 0; i < count; i++) {
            rows.add(demo.row(start.plusSeconds(i / run)));
        }
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void shipsABacklogOfManyPagesExactlyOnceInOrderEvenWhenTimestampsStraddleBoundaries(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        // 37 logs per timestamp against pages of 500 and batches of 300: ties cross every boundary.
        List<AuditLogTable.Row> rows = sharedTimestamps(5_000, 37, 1);
        rows.addAll(new DemoAuditLogs(2).rows(2_345, NOW.minus(Duration.ofHours(3)), NOW.minusSeconds(30)));
        f.insert(rows);
        ShipperConfig config = f.config(task(f, 300, 500, "", "file"));

        Pass first = f.runOnce(config);

        assertThat(first.allSucceeded()).isTrue();
        assertThat(first.read()).isEqualTo(7_345);
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));

        Pass second = f.runOnce(config);
        assertThat(second.read()).isZero();
        assertThat(second.shipped("file")).isZero();
        assertThat(f.shippedIds("file")).hasSize(7_345).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aFailingExporterLagsAndCatchesUpWithoutHoldingBackOrDuplicatingTheOthers(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        List<AuditLogTable.Row> rows = sharedTimestamps(3_000, 13, 3);
        f.insert(rows);
        List<String> expected = ShipperFixture.idsInShippingOrder(rows);
        ShipperConfig config = f.config(task(f, 250, 400, "", "healthy", "flaky"));
        // Batch 5 of "flaky" cannot be written: a non-empty directory stands where its file goes.
        List<AuditLogRecord> sorted = ShipperFixture.inShippingOrder(rows);
        String blockedName = new ObjectNaming("kestra-log-file", RecordFormat.JSON, 1_000_000)
                .nameFor(sorted.get(5 * 250).offset());
        Path blocked = Path.of(f.outputDirectory("flaky")).resolve(blockedName);
        Files.createDirectories(blocked.resolve("in-the-way"));

        Pass first = f.runOnce(config);

        assertThat(first.allSucceeded()).isFalse();
        assertThat(first.failures()).containsOnlyKeys("flaky");
        assertThat(f.shippedIds("healthy")).containsExactlyElementsOf(expected);
        assertThat(f.shippedIds("flaky")).containsExactlyElementsOf(expected.subList(0, 5 * 250));
        StoredOffsets stored = new FileOffsetStore(dir.resolve("state"), "test").load();
        assertThat(stored.of("flaky")).contains(sorted.get(5 * 250 - 1).offset());
        assertThat(stored.global(List.of("healthy", "flaky"), OffsetOrder.CODE_POINT)).contains(sorted.get(5 * 250 - 1).offset());

        Files.delete(blocked.resolve("in-the-way"));
        Files.delete(blocked);
        Pass second = f.runOnce(config);

        assertThat(second.allSucceeded()).isTrue();
        assertThat(second.shipped("healthy")).isZero();
        assertThat(second.shipped("flaky")).isEqualTo(3_000 - 5 * 250);
        assertThat(f.shippedIds("healthy")).containsExactlyElementsOf(expected);
        assertThat(f.shippedIds("flaky")).containsExactlyElementsOf(expected);
    }

    @Test
    void anExporterKnownToBeDownGetsOneAttemptWhenDueAgainSoTheOthersAreNotHeldBackByItsRetries() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> rows = sharedTimestamps(1_000, 7, 5);
        f.insert(rows);
        // "down" can write nothing: a plain file stands where its output directory goes.
        Path output = Path.of(f.outputDirectory("down"));
        Files.createDirectories(output.getParent());
        Files.writeString(output, "in the way");
        ShipperConfig config = f.config(task(f, 250, 400, "", "healthy", "down")
                .replace("  maxRetries: 0\n", "  maxRetries: 3\n  maxDelay: PT0.05S\n"));

        try (ShipperApp app = new ShipperApp(config, f.clock)) {
            Pass first = app.runOnce();
            double retriesWhenItFirstFailed = ShipperMeters.retries(app.meters(), "down").count();
            f.clock.advance(Duration.ofSeconds(1));
            Pass second = app.runOnce();

            assertThat(first.failures()).containsOnlyKeys("down");
            // One attempt beside "healthy", then on its own in the pass's catch-up (a retry) with the task's 3 retries.
            assertThat(retriesWhenItFirstFailed).as("a blip is ridden out with the task's retries").isEqualTo(4);
            // "healthy" is caught up, so the failing exporter is the batch's only recipient: the pass still ends
            // as a pass, with the failure, rather than being stopped by the handled exception.
            assertThat(second.failures()).as("tried again once due").containsOnlyKeys("down");
            assertThat(ShipperMeters.retries(app.meters(), "down").count()).as("no retries once known down").isEqualTo(4);
            assertThat(f.shippedIds("healthy")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));

            Files.delete(output);
            f.clock.advance(Duration.ofSeconds(1));
            Pass third = app.runOnce();
            assertThat(third.allSucceeded()).isTrue();
            assertThat(f.shippedIds("down")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        }
    }

    @Test
    void aBatchShippedAgainAfterACrashKeepsItsBoundsWhenAnotherExporterLaggingBehindJoinsTheReplay() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> rows = sharedTimestamps(3_000, 7, 6);
        f.insert(rows);
        List<AuditLogRecord> sorted = ShipperFixture.inShippingOrder(rows);
        List<String> expected = ShipperFixture.idsInShippingOrder(rows);
        FileOffsetStore store = new FileOffsetStore(dir.resolve("state"), "test");
        // "current" has shipped 1,000 logs, "lagging" 300 (it was failing, and is backing off).
        StoredOffsets before = new StoredOffsets(Map.of("current", sorted.get(999).offset(), "lagging", sorted.get(299).offset()));
        store.save(before);
        String maxLines = "    maxLinesPerFile: 200\n";
        String current = f.fileExporterYaml("current") + maxLines;
        String lagging = f.fileExporterYaml("lagging") + maxLines;
        // The pass that crashed ran without "lagging" (backing off): "current" wrote its files from log 1,000
        // in batches of 500, then the process died before any commit.
        f.runOnce(f.config(task(f, 500, 700, "") + current));
        store.save(before);

        // After the restart "lagging" is due again and the pass starts 700 logs earlier.
        Pass replay = f.runOnce(f.config(task(f, 500, 700, "") + current + lagging));

        assertThat(replay.allSucceeded()).isTrue();
        assertThat(f.shippedIds("current")).as("each log in one file only: the replay rewrote the same files")
                .containsExactlyElementsOf(expected.subList(1_000, 3_000));
        assertThat(f.shippedIds("lagging")).containsExactlyElementsOf(expected.subList(300, 3_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aBatchShippedAgainAfterACrashBeforeItsCommitOverwritesInsteadOfDuplicating(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        List<AuditLogTable.Row> rows = sharedTimestamps(2_000, 7, 4);
        f.insert(rows);
        ShipperConfig config = f.config(task(f, 200, 300, "", "file"));
        f.runOnce(config);
        // As if the process died after writing batches 4.. but before committing them: the stored
        // offset is still the end of batch 3.
        List<AuditLogRecord> sorted = ShipperFixture.inShippingOrder(rows);
        FileOffsetStore store = new FileOffsetStore(dir.resolve("state"), "test");
        store.save(new StoredOffsets(Map.of("file", sorted.get(4 * 200 - 1).offset())));

        Pass replay = f.runOnce(config);

        assertThat(replay.shipped("file")).isEqualTo(2_000 - 4 * 200);
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void logsCommittedLateWithinTheSettleDelayAreShippedOnTheNextPass(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        DemoAuditLogs demo = new DemoAuditLogs(5);
        List<AuditLogTable.Row> early = demo.rows(500, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(10));
        // Stamped inside the settle delay when the first pass runs: not read yet.
        List<AuditLogTable.Row> settling = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            settling.add(demo.row(NOW.minusSeconds(4).plus(i * 300, ChronoUnit.MILLIS)));
        }
        f.insert(early);
        f.insert(settling);
        ShipperConfig config = f.config(task(f, 100, 100, "", "file"));

        Pass first = f.runOnce(config);
        assertThat(first.shipped("file")).isEqualTo(500);

        // Committed after the first pass, stamped before its end but after its settled horizon.
        List<AuditLogTable.Row> late = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            late.add(demo.row(NOW.minusSeconds(3)));
        }
        f.insert(late);
        f.clock.advance(Duration.ofMinutes(1));
        Pass second = f.runOnce(config);

        assertThat(second.shipped("file")).isEqualTo(35);
        List<AuditLogTable.Row> all = new ArrayList<>(early);
        all.addAll(settling);
        all.addAll(late);
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(all));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void logsCommittedLateBehindTheOffsetsWithinTheWindowAreShippedOnceToEveryExporter(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        DemoAuditLogs demo = new DemoAuditLogs(21);
        List<AuditLogTable.Row> early = demo.rows(400, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(10));
        f.insert(early);
        ShipperConfig config = f.config(task(f, 100, 100, "lateArrivalWindow: PT10M\n", "a", "b"));
        f.runOnce(config);
        Instant offset = new FileOffsetStore(dir.resolve("state"), "test").load().of("a").orElseThrow().timestamp();

        // Committed after the first pass, stamped behind its offsets: 3 minutes back, on the offset's own timestamp
        // with an id before the offset's, and 50 minutes back, beyond the horizon (twice the window).
        List<AuditLogTable.Row> late = new ArrayList<>(demo.rows(30, NOW.minus(Duration.ofMinutes(4)), NOW.minus(Duration.ofMinutes(3))));
        AuditLogTable.Row tie = demo.row(offset);
        String tieId = "0-" + tie.log().id();
        String tieJson = ((com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(tie.log().json())).put("id", tieId).toString();
        late.add(new AuditLogTable.Row(new AuditLogRecord(tieId, offset, tieJson), tie.tenant(), tie.namespace(), tie.resource()));
        List<AuditLogTable.Row> tooLate = demo.rows(5, NOW.minus(Duration.ofMinutes(50)), NOW.minus(Duration.ofMinutes(49)));
        f.insert(late);
        f.insert(tooLate);
        f.clock.advance(Duration.ofMinutes(1));

        Pass second = f.runOnce(config);
        f.clock.advance(Duration.ofMinutes(1));
        Pass third = f.runOnce(config);

        List<String> expected = new ArrayList<>(ShipperFixture.idsInShippingOrder(early));
        expected.addAll(late.stream().map(r -> r.log().id()).toList());
        for (String exporter : List.of("a", "b")) {
            assertThat(second.shipped(exporter)).isEqualTo(31);
            assertThat(second.late(exporter)).isEqualTo(31);
            assertThat(f.shippedIds(exporter)).as(exporter).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(third.shipped(exporter)).isZero();
        }
        assertThat(second.allSucceeded()).isTrue();
        assertThat(new FileOffsetStore(dir.resolve("state"), "test").load().of("a").orElseThrow().timestamp())
                .as("late logs move no offset").isEqualTo(offset);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void filtersByResourcesAndNamespaceWithItsChildrenAndStartsAtTheLookbackPeriod(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        DemoAuditLogs demo = new DemoAuditLogs(6);
        List<AuditLogTable.Row> recent = demo.rows(3_000, NOW.minus(Duration.ofHours(20)), NOW.minusSeconds(30));
        List<AuditLogTable.Row> tooOld = demo.rows(300, NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofHours(25)));
        List<AuditLogTable.Row> sibling = new ArrayList<>();
        for (AuditLogTable.Row row : demo.rows(50, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(30))) {
            sibling.add(new AuditLogTable.Row(row.log(), row.tenant(), "company.teamx", "FLOW"));
        }
        f.insert(recent);
        f.insert(tooOld);
        f.insert(sibling);
        ShipperConfig config = f.config(task(f, 100, 250,
                "resources: [FLOW, EXECUTION]\nnamespace: company.team\nlookbackPeriod: P1D\n", "file"));

        Pass pass = f.runOnce(config);

        List<AuditLogTable.Row> expected = recent.stream()
                .filter(r -> r.resource().equals("FLOW") || r.resource().equals("EXECUTION"))
                .filter(r -> r.namespace().equals("company.team") || r.namespace().startsWith("company.team."))
                .toList();
        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(pass.shipped("file")).isEqualTo(expected.size());
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(expected));
    }

    @Test
    void logsOlderThanTheLookbackAtAnExportersFirstStartAreCountedOnceNotSkippedInSilence() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        DemoAuditLogs demo = new DemoAuditLogs(22);
        f.insert(demo.rows(120, NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(2))));
        f.insert(demo.rows(80, NOW.minus(Duration.ofHours(3)), NOW.minusSeconds(60)));
        ShipperConfig config = f.config(task(f, 100, 100, "lookbackPeriod: P1D\n", "file"));

        try (ShipperApp app = new ShipperApp(config, f.clock)) {
            Pass first = app.runOnce();
            f.clock.advance(Duration.ofMinutes(1));
            app.runOnce();

            assertThat(first.shipped("file")).isEqualTo(80);
            assertThat(app.meters().get("kestra.shipper.logs.before.lookback").tag("exporter", "file").counter().count())
                    .as("counted at the first start only").isEqualTo(120);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void deleteRemovesExactlyTheShippedLogsFromTheSource(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        DemoAuditLogs demo = new DemoAuditLogs(7);
        List<AuditLogTable.Row> shippable = demo.rows(1_000, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30));
        List<AuditLogTable.Row> settling = List.of(demo.row(NOW.minusSeconds(2)), demo.row(NOW.minusSeconds(1)));
        f.insert(shippable);
        f.insert(settling);
        // No late-arrival window: logs after its horizon are kept for late ones (see the late-arrival test).
        ShipperConfig config = f.config(task(f, 128, 256, "resources: [FLOW]\ndelete: true\nlateArrivalWindow: PT0S\n", "a", "b"));

        Pass pass = f.runOnce(config);

        long flows = shippable.stream().filter(r -> r.resource().equals("FLOW")).count();
        assertThat(pass.deleted()).isEqualTo(flows);
        assertThat(f.countRows()).isEqualTo(1_000 - flows + 2);
        assertThat(new HashSet<>(f.shippedIds("a"))).hasSize((int) flows);
        assertThat(f.shippedIds("b")).containsExactlyElementsOf(f.shippedIds("a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void offsetsKeptInAJdbcTableResumeWhereTheyStopped(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        List<AuditLogTable.Row> rows = sharedTimestamps(1_000, 5, 8);
        f.insert(rows.subList(0, 600));
        String yaml = task(f, 100, 150, "", "file").replace(
                "offsetStore:\n  type: file\n  directory: \"" + dir.resolve("state") + "\"\n",
                "offsetStore:\n  type: jdbc\n  table: offsets_" + f.table + "\n");
        ShipperConfig config = f.config(yaml);

        assertThat(f.runOnce(config).shipped("file")).isEqualTo(600);
        f.insert(rows.subList(600, 1_000));
        assertThat(f.runOnce(config).shipped("file")).isEqualTo(400);
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void idsAboveUFFFFAreComparedAsTheSourceOrdersThemSoNoneIsSkippedAtABatchBoundary(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        // One timestamp, ids that UTF-16 and code point order place differently (U+1F600 is a surrogate pair,
        // D83D DE00, below U+E000 in UTF-16 units and above U+FFFF as a code point), a batch boundary between each.
        Instant shared = NOW.minus(Duration.ofMinutes(5));
        List<String> ids = List.of("k\uD7FF", "k\uE000", "k\uFFFD", "k\uFFFF", "k\uD83D\uDE00", "k\uD83D\uDE00x", "k\uDBFF\uDFFF");
        List<AuditLogTable.Row> rows = ids.stream().map(id -> new AuditLogTable.Row(new AuditLogRecord(id, shared,
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("id", id).toString()),
                "main", "company.team", "FLOW")).toList();
        f.insert(rows);
        ShipperConfig config = f.config(task(f, 1, 2, "", "file"));

        Pass first = f.runOnce(config);
        Pass second = f.runOnce(config);

        assertThat(first.allSucceeded()).isTrue();
        assertThat(f.shippedIds("file")).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(second.read()).isZero();
        OffsetOrder order = backend.equals("postgres") ? OffsetOrder.CODE_POINT : OffsetOrder.UTF16;
        String last = ids.stream().max((a, b) -> order.compare(new Offset(shared, a), new Offset(shared, b))).orElseThrow();
        assertThat(new FileOffsetStore(dir.resolve("state"), "test").load().of("file")).contains(new Offset(shared, last));
    }

    @Test
    void aPrettyPrintedStoredValueIsShippedAsOneCompactLineWithItsContentAndKeyOrderUnchanged() throws Exception {
        // PostgreSQL's jsonb stores its own normalised text; an H2 text column (or a hand-made table) keeps any layout.
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        Instant at = NOW.minus(Duration.ofMinutes(5));
        String pretty = "{\n  \"id\" : \"pretty\",\n\t\"zeta\": \"a  b\\n\\\" c\",\r\n  \"alpha\": [ 1.50 , 2e3, {\"k\": null} ],"
                + "\n  \"date\": \"" + at + "\"\n}\n";
        List<AuditLogTable.Row> rows = List.of(
                new AuditLogTable.Row(new AuditLogRecord("pretty", at, pretty), "main", "company.team", "FLOW"),
                new AuditLogTable.Row(new AuditLogRecord("no-id", at.plusMillis(1), "{ }"), "main", "company.team", "FLOW"),
                new AuditLogTable.Row(new AuditLogRecord("other-id", at.plusMillis(2), "{\"ID\": 1, \"x\": {\"id\": 2}}"),
                        "main", "company.team", "FLOW"));
        f.insert(rows);

        Pass pass = f.runOnce(f.config(task(f, 10, 10, "", "file")));

        assertThat(pass.shipped("file")).isEqualTo(3);
        List<String> lines = new ArrayList<>();
        for (Path file : Files.list(Path.of(f.outputDirectory("file"))).sorted().toList()) {
            lines.addAll(Files.readAllLines(file));
        }
        assertThat(lines).containsExactly(
                "{\"id\":\"pretty\",\"zeta\":\"a  b\\n\\\" c\",\"alpha\":[1.50,2e3,{\"k\":null}],\"date\":\"" + at + "\"}",
                "{}",
                "{\"ID\":1,\"x\":{\"id\":2}}");
    }

    @Test
    void aStoredValueThatIsNotAJsonObjectIsShippedOnceAsMalformedValue() throws Exception {
        // PostgreSQL's jsonb refuses such values; an H2 text column (or a hand-made table) does not.
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> rows = new ArrayList<>(new DemoAuditLogs(5).rows(50, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(60)));
        List<String> malformed = List.of("{\"id\": \"cut", "not json at all", "[1, 2]", "{\"a\": 1} {\"b\": 2}");
        for (int i = 0; i < malformed.size(); i++) {
            AuditLogTable.Row good = rows.get(i * 10);
            rows.set(i * 10, new AuditLogTable.Row(new AuditLogRecord(good.log().id(), good.log().timestamp(), malformed.get(i)),
                    good.tenant(), good.namespace(), good.resource()));
        }
        f.insert(rows);

        Pass pass = f.runOnce(f.config(task(f, 20, 15, "", "file")));

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        List<String> shippedMalformed = new ArrayList<>();
        for (Path file : Files.list(Path.of(f.outputDirectory("file"))).sorted().toList()) {
            for (String line : Files.readAllLines(file)) {
                var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                if (json.has("malformedValue")) {
                    shippedMalformed.add(json.get("malformedValue").asText());
                }
            }
        }
        assertThat(shippedMalformed).containsExactlyInAnyOrderElementsOf(malformed);
        assertThat(f.runOnce(f.config(task(f, 20, 15, "", "file"))).read()).isZero();
    }

    @Test
    void anOffsetFileThatIsNotOffsetsStopsTheShippingInsteadOfRestartingFromTheLookback() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        // Logs from 2 days back: an exporter restarted from the lookback (P1D) would skip the older ones for good.
        List<AuditLogTable.Row> rows = new DemoAuditLogs(12).rows(500, NOW.minus(Duration.ofDays(2)), NOW.minusSeconds(60));
        f.insert(rows);
        ShipperConfig config = f.config(task(f, 100, 100, "", "file"));
        Path offsets = dir.resolve("state/test.json");
        Files.createDirectories(offsets.getParent());

        for (String corrupt : List.of("", "{\"foo\":[1]}", "{\"version\":7,\"exporters\":{}}")) {
            Files.writeString(offsets, corrupt);

            Pass pass = f.runOnce(config);

            assertThat(pass.abortedBy()).as(corrupt).contains(offsets.toString()).contains("--set-offset");
            assertThat(pass.read()).isZero();
            assertThat(f.shippedIds("file")).isEmpty();
            assertThat(Files.readString(offsets)).isEqualTo(corrupt);
        }
    }

    @Test
    void anOffsetInTheFutureStopsTheShippingInsteadOfReadingNothingForever() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(new DemoAuditLogs(13).rows(50, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60)));
        FileOffsetStore store = new FileOffsetStore(dir.resolve("state"), "test");
        StoredOffsets future = new StoredOffsets(Map.of("file", Offset.before(Instant.parse("2099-01-01T00:00:00Z"))));
        store.save(future);

        Pass pass = f.runOnce(f.config(task(f, 100, 100, "", "file")));

        assertThat(pass.allSucceeded()).isFalse();
        assertThat(pass.abortedBy()).contains("exporter 'file'").contains("2099-01-01T00:00:00Z").contains("--set-offset file=");
        assertThat(f.shippedIds("file")).isEmpty();
        assertThat(store.load()).isEqualTo(future);
    }

    @Test
    void offsetsThatCannotBeWrittenFailThePassClearlyAndTheNextPassShipsEverythingOnce() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> rows = sharedTimestamps(1_000, 3, 6);
        f.insert(rows);
        ShipperConfig config = f.config(task(f, 100, 250, "", "file"));
        f.runOnce(config);
        f.insert(sharedTimestamps(500, 5, 7).stream().map(row -> new AuditLogTable.Row(new AuditLogRecord(
                "late-" + row.log().id(), row.log().timestamp().plus(Duration.ofMinutes(90)), row.log().json()),
                row.tenant(), row.namespace(), row.resource())).toList());
        // A non-empty directory where the offsets file goes: the atomic replace fails.
        Path offsets = dir.resolve("state/test.json");
        Files.move(offsets, dir.resolve("state/test.json.saved"));
        Files.createDirectories(offsets.resolve("blocked"));

        Pass failed = f.runOnce(config);

        assertThat(failed.abortedBy()).contains("test.json");
        assertThat(failed.allSucceeded()).isFalse();

        Files.delete(offsets.resolve("blocked"));
        Files.delete(offsets);
        Files.move(dir.resolve("state/test.json.saved"), offsets);
        Pass next = f.runOnce(config);

        assertThat(next.allSucceeded()).isTrue();
        List<String> shipped = f.shippedIds("file");
        assertThat(shipped).hasSize(1_500).doesNotHaveDuplicates();
    }

    @Test
    void aClockThatJumpsBackBehindTheOffsetsFailsThePassClearlyAndMovesNoOffsetBackwards() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> rows = sharedTimestamps(600, 4, 8);
        f.insert(rows);
        ShipperConfig config = f.config(task(f, 100, 100, "", "file"));
        f.runOnce(config);
        String before = Files.readString(dir.resolve("state/test.json"));

        f.clock.advance(Duration.ofHours(-3));
        Pass back = f.runOnce(config);

        assertThat(back.allSucceeded()).isFalse();
        assertThat(back.abortedBy()).contains("exporter 'file'").contains("later than now").contains("the clock went back");
        assertThat(back.read()).isZero();
        assertThat(Files.readString(dir.resolve("state/test.json"))).isEqualTo(before);
        f.clock.advance(Duration.ofHours(3).plusMinutes(1));
        List<AuditLogTable.Row> later = new DemoAuditLogs(9).rows(40, NOW.plusSeconds(1), NOW.plusSeconds(50));
        f.insert(later);
        assertThat(f.runOnce(config).shipped("file")).isEqualTo(40);
        List<AuditLogTable.Row> all = new ArrayList<>(rows);
        all.addAll(later);
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(all));
    }

    /**
     * The first batch is shipped and committed before the second page is waited for: the second page's query is held
     * (an H2 trigger) until the first batch's offset is stored, and it is that commit that releases it, not the
     * trigger's timeout. A split over the batches asked for the second batch, so for the second page, before
     * shipping the first.
     */
    @Test
    void theFirstBatchIsCommittedWithoutWaitingForTheSecondPage() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        List<AuditLogTable.Row> rows = new DemoAuditLogs(24).rows(900, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60));
        f.insert(rows);
        SecondPageHold.arm(new FileOffsetStore(dir.resolve("state"), "test"), "file",
                ShipperFixture.inShippingOrder(rows).get(299).offset());
        try (Connection connection = f.database().connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TRIGGER \"hold_second_page\" BEFORE SELECT ON \"" + f.table + "\" CALL \""
                    + SecondPageHold.class.getName() + "\"");
        }

        Pass pass = f.runOnce(f.config(task(f, 300, 300, "", "file")));

        assertThat(pass.allSucceeded()).isTrue();
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(SecondPageHold.releasedByTheCommit()).as("the second page's query was let go by the first commit").isTrue();
    }

    /**
     * {@code --demo} writes its logs while Camel starts: the pass starts only once they are all in. Nothing of a pass
     * (it stores an exporter's first offset as it starts) happens before its source is ready, however long that takes.
     */
    @Test
    void aPassStartsOnlyOnceItsSourceIsReady() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(List.of());
        List<AuditLogTable.Row> rows = new DemoAuditLogs(25).rows(500, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60));
        FileOffsetStore offsets = new FileOffsetStore(dir.resolve("state"), "test");
        CompletableFuture<Void> sourceReady = new CompletableFuture<>();
        ExecutorService shipper = Executors.newSingleThreadExecutor();
        try (ShipperApp app = f.app(f.config(task(f, 300, 300, "", "file")))) {
            Future<Pass> pass = shipper.submit(() -> app.runOnce(sourceReady));
            // Long enough for Camel to start, and for a pass that did not wait to store its first offset.
            long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (offsets.load().equals(StoredOffsets.NONE) && System.nanoTime() < giveUpAt && !pass.isDone()) {
                Thread.sleep(20);
            }
            boolean startedBeforeTheSourceWasReady = !offsets.load().equals(StoredOffsets.NONE);
            f.insert(rows);
            sourceReady.complete(null);

            assertThat(startedBeforeTheSourceWasReady).as("a pass started before its source was ready").isFalse();
            assertThat(pass.get(60, TimeUnit.SECONDS).read()).isEqualTo(500);
        } finally {
            shipper.shutdownNow();
        }
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
    }
}
