package io.auditshipper;

import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.encoding.RecordFormat;
import io.auditshipper.exporter.integrity.DirectoryObjects;
import io.auditshipper.exporter.integrity.ManifestChain;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.offset.FileOffsetStore;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.S3Server;
import io.auditshipper.support.SearchNode;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash at any point: the shipper process is killed with SIGKILL at random moments while it ships a large
 * PostgreSQL backlog to files, a real OpenSearch node and S3 (S3Proxy), restarted each time, and finally
 * left to finish. Every log must be at every destination exactly once: nothing lost, nothing duplicated
 * (files and objects named after their first log are overwritten by a replay, documents have the log's id).
 */
class CrashRecoveryTest {

    private static final int LOGS = 150_000;
    private static final int KILLS = 5;

    @TempDir
    Path dir;

    @Test
    void killingTheShipperAtRandomMomentsLosesAndDuplicatesNothing() throws Exception {
        try (SearchNode opensearch = SearchNode.opensearch(); S3Server s3 = new S3Server()) {
            s3.createBucket("audit");
            killAndCheck(opensearch, s3);
        }
    }

    private void killAndCheck(SearchNode opensearch, S3Server s3) throws Exception {
        ShipperFixture f = new ShipperFixture("postgres", dir, Instant.now());
        Instant now = Instant.now();
        List<AuditLogTable.Row> rows = new ArrayList<>();
        DemoAuditLogs demo = new DemoAuditLogs(101);
        for (int i = 0; i < LOGS; i++) {
            // Runs of 11 logs share a timestamp, so kills land between logs that share one.
            rows.add(demo.row(now.minus(Duration.ofHours(3)).plusMillis(i / 11)));
        }
        f.insert(rows);
        Path config = Files.writeString(dir.resolve("shipper.yaml"), "type: io.kestra.plugin.ee.core.log.AuditLogShipper\n"
                + "offsetKey: crash\nchunk: 1000\nsettleDelay: PT0S\n" + f.sourceYaml(2000)
                + "offsetStore:\n  type: file\n  directory: \"" + dir.resolve("state") + "\"\n"
                + "logExporters:\n" + f.fileExporterYaml("file") + "    tamperEvident: true\n"
                + "  - id: opensearch\n    type: io.kestra.plugin.ee.opensearch.LogExporter\n    indexName: audit\n"
                + "    connection:\n      hosts: [\"" + opensearch.url() + "\"]\n"
                + "  - id: s3\n    type: io.kestra.plugin.ee.aws.s3.LogExporter\n    bucket: audit\n    region: us-east-1\n"
                + "    endpointOverride: " + s3.endpoint() + "\n    accessKeyId: " + s3.accessKey() + "\n"
                + "    secretKeyId: \"" + s3.secretKey() + "\"\n");

        // A kill that left a file with logs after the file exporter's stored offset fell between a write and its
        // commit: the case the names derived from the batch bounds are there for.
        Map<String, Offset> offsets = rows.stream().map(AuditLogTable.Row::log)
                .collect(Collectors.toMap(AuditLogRecord::id, AuditLogRecord::offset));
        FileOffsetStore store = new FileOffsetStore(dir.resolve("state"), "crash");
        AtomicInteger betweenWriteAndCommit = new AtomicInteger();
        ObjectNaming naming = new ObjectNaming("kestra-log-file", RecordFormat.JSON, 1);
        Path out = Path.of(f.outputDirectory("file"));
        // Every other kill waits for this moment instead of a random one: on a loaded machine the random moments can
        // all fall before the first write.
        BooleanSupplier aFileIsAheadOfItsCommit = () -> {
            Instant committed = store.load().of("file").map(Offset::timestamp).orElse(Instant.EPOCH);
            try (var files = Files.list(out)) {
                return files.map(file -> naming.firstDate(file.getFileName().toString(), ""))
                        .anyMatch(first -> first != null && first.isAfter(committed));
            } catch (java.io.IOException e) {
                return false;
            }
        };
        int killed = killAtRandomMomentsThenFinish(config, KILLS, aFileIsAheadOfItsCommit, () -> {
            Offset committed = store.load().of("file").orElse(Offset.before(Instant.EPOCH));
            if (f.shippedIds("file").stream().anyMatch(id -> OffsetOrder.CODE_POINT.isBefore(committed, offsets.get(id)))) {
                betweenWriteAndCommit.incrementAndGet();
            }
        });

        List<String> shipped = f.shippedIds("file");
        Set<String> distinct = new HashSet<>(shipped);
        List<String> expected = ShipperFixture.idsInShippingOrder(rows);
        long lost = expected.stream().filter(id -> !distinct.contains(id)).count();
        System.out.printf("crash test: %d kills (of %d wanted), %d between a write and its commit; %d logs, %d lines shipped,"
                + " %d distinct, %d lost, %d duplicated%n", killed, KILLS, betweenWriteAndCommit.get(), LOGS, shipped.size(),
                distinct.size(), lost, shipped.size() - distinct.size());
        assertThat(killed).as("the shipper was killed mid-run").isGreaterThanOrEqualTo(2);
        // The replays after the kills rewrote the manifest entries they touched as they were: the chain is whole.
        ManifestChain.Result chain = ManifestChain.check("kestra-log-file", new DirectoryObjects(Path.of(f.outputDirectory("file"))));
        assertThat(chain.findings()).isEmpty();
        assertThat(chain.entries()).isEqualTo(chain.objects()).isPositive();
        assertThat(betweenWriteAndCommit).as("kills that left written files uncommitted").hasPositiveValue();
        assertThat(lost).isZero();
        assertThat(shipped).containsExactlyElementsOf(expected);

        // OpenSearch: one document per log id, so the count says both "none lost" and "none twice".
        long documents = opensearch.count("audit");
        List<String> objectLines = new ArrayList<>();
        for (String key : s3.listKeys("audit")) {
            new String(s3.read("audit", key).content(), StandardCharsets.UTF_8).lines().map(ShipperFixture::idOf)
                    .forEach(objectLines::add);
        }
        Set<String> objectIds = new HashSet<>(objectLines);
        System.out.printf("crash test: OpenSearch holds %d documents; S3 holds %d lines, %d distinct, %d lost%n", documents,
                objectLines.size(), objectIds.size(), expected.stream().filter(id -> !objectIds.contains(id)).count());
        assertThat(documents).isEqualTo(LOGS);
        assertThat(objectLines).hasSize(LOGS);
        assertThat(objectIds).isEqualTo(new HashSet<>(expected));
    }

    /**
     * A route of the user's ({@code --routes}) behind a {@code type: camel} exporter: it drops the READ logs and writes
     * each message to a {@code file:} endpoint under a name made from its first record, so a replayed message
     * overwrites its file. Killed mid-pass and restarted, it still holds every log it keeps exactly once.
     */
    @Test
    void aUserRouteBehindATypeCamelExporterShipsEveryLogOnceThroughKills() throws Exception {
        ShipperFixture f = new ShipperFixture("postgres", dir, Instant.now());
        DemoAuditLogs demo = new DemoAuditLogs(202);
        List<AuditLogTable.Row> rows = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            rows.add(demo.row(Instant.now().minus(Duration.ofHours(3)).plusMillis(i / 7)));
        }
        f.insert(rows);
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("my-filter.yaml"), """
                - route:
                    id: my-filter
                    from:
                      uri: direct:my-filter
                      steps:
                        # Drop the READ audit logs: the body holds one compact JSON record per line.
                        - setBody:
                            simple: "${body.replaceAll('(?m)^.*\\"type\\":\\"READ\\".*\\n', '')}"
                        # One file per message, named after its first record: a replay overwrites it.
                        - to:
                            uri: "file:out-filtered?fileName=${header.KestraShipperFirstTimestamp}-${header.KestraShipperFirstId}.ndjson"
                """);
        Path config = Files.writeString(dir.resolve("shipper.yaml"), "type: io.kestra.plugin.ee.core.log.AuditLogShipper\n"
                + "offsetKey: routes\nchunk: 1000\nsettleDelay: PT0S\n" + f.sourceYaml(2000)
                + "offsetStore:\n  type: file\n  directory: \"" + dir.resolve("state") + "\"\n"
                + "logExporters:\n  - id: filtered\n    type: camel\n    uri: direct:my-filter\n    chunk: 250\n");

        int killed = killAtRandomMomentsThenFinish(config, 3, null, () -> { }, "--routes", routes.toString());

        List<String> kept = new ArrayList<>();
        try (var files = Files.list(dir.resolve("out-filtered"))) {
            for (Path file : files.sorted().toList()) {
                Files.readAllLines(file).stream().map(ShipperFixture::idOf).forEach(kept::add);
            }
        }
        List<String> expected = ShipperFixture.inShippingOrder(rows).stream()
                .filter(log -> !log.json().contains("\"type\":\"READ\"")).map(log -> log.id()).toList();
        assertThat(killed).as("the shipper was killed mid-run").isGreaterThanOrEqualTo(2);
        assertThat(expected).hasSizeLessThan(rows.size());
        assertThat(kept).containsExactlyElementsOf(expected);
    }

    /**
     * Starts the shipper, kills it at a random moment of its pass ({@code afterKill} looks at what it left), again,
     * then lets a last run finish; the kills made. Given a {@code killMoment}, every other kill is made as soon as it
     * holds instead (polled every 5 ms, for at most 30 s of the pass).
     */
    private int killAtRandomMomentsThenFinish(Path config, int kills, BooleanSupplier killMoment, Runnable afterKill,
                                              String... args) throws Exception {
        Random random = new Random(7);
        int killed = 0;
        int runs = 0;
        while (killed < kills && runs < kills * 3) {
            runs++;
            Process shipper = start(config, "run-" + runs, args);
            Path log = dir.resolve("run-" + runs + ".log");
            // Wait for the pass to start (JVM and Camel start take a few seconds), then kill it somewhere inside.
            while (shipper.isAlive() && !(Files.exists(log) && Files.readString(log).contains("pass started"))) {
                Thread.sleep(20);
            }
            if (killMoment != null && killed % 2 == 1) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (shipper.isAlive() && !killMoment.getAsBoolean() && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                if (!shipper.isAlive()) {
                    continue;
                }
            } else if (shipper.waitFor(50 + random.nextInt(700), TimeUnit.MILLISECONDS)) {
                continue;
            }
            shipper.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            killed++;
            afterKill.run();
        }
        Process last = start(config, "final", args);
        assertThat(last.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(Files.readString(dir.resolve("final.log"))).isZero();
        return killed;
    }

    private Process start(Path config, String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config", config.toString(),
                "--once"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }
}
