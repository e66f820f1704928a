package io.auditshipper.offset;

import io.auditshipper.jdbc.Database;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The late-arrival record as stored under {@code <offsetKey>.recent}: what is written reads back to the same
 * answers, a value version 1 wrote still reads after an upgrade, anything else is refused, and the logs share one
 * exporter set per combination.
 */
class RecentlyShippedTest {

    private static final Instant T = Instant.parse("2026-11-20T10:00:00.123456Z");
    private static final Instant HORIZON = T.minusSeconds(600);
    private static final List<String> EXPORTERS = List.of("datadog", "file", "s3");
    private static final AuditLogRecord K1 = log("k1", T.plusNanos(1));
    private static final AuditLogRecord K2 = log("k\"2", T.plusSeconds(1));
    private static final AuditLogRecord K3 = log("k\uD83D\uDE00\u00e9\\", T.plusSeconds(2));
    private static final AuditLogRecord K4 = log("k4", T.plusSeconds(3));
    /** Written by version 1 (the code before version 2) from {@link #shippedByThree()}'s state. */
    private static final String VERSION_1 = "{\"version\":1,\"horizon\":\"2026-11-20T09:50:00.123456Z\",\"exporters\":"
            + "{\"datadog\":{\"recordedAfter\":{\"timestamp\":\"2026-11-20T10:00:00.123456001Z\",\"id\":\"k1\"}},\"file\":{},"
            + "\"s3\":{}},\"exporterSets\":[[\"file\"],[\"file\",\"s3\"],[\"datadog\",\"file\"]],\"logs\":[[\"2026-11-20T10:00:00"
            + ".123456001Z\",\"k1\",0],[\"2026-11-20T10:00:03.123456Z\",\"k4\",1],[\"2026-11-20T10:00:01.123456Z\",\"k\\\"2\",2],"
            + "[\"2026-11-20T10:00:02.123456Z\",\"k\uD83D\uDE00\u00e9\\\\\",2]]}";

    @TempDir
    Path dir;

    private static AuditLogRecord log(String id, Instant timestamp) {
        return new AuditLogRecord(id, timestamp, "{}");
    }

    /**
     * datadog tracked from k1 (its offset then), file and s3 from before the horizon; file shipped all four (and one
     * before the horizon, not kept), datadog k"2 and k3, s3 k4.
     */
    private static RecentlyShipped shippedByThree() {
        RecentlyShipped recent = RecentlyShipped.none();
        recent.track(Map.of("file", new Offset(T.minusSeconds(3600), "old"), "datadog", K1.offset(),
                "s3", Offset.before(T.minusSeconds(700))));
        recent.advanceHorizon(HORIZON);
        recent.record("file", List.of(K1, K2, K3, K4, log("k0", T.minusSeconds(700))));
        recent.record("datadog", List.of(K2, K3));
        recent.record("s3", List.of(K4));
        return recent;
    }

    /** Every query's answer: the horizon, and lacks() for each exporter (and an untracked one), log and offset. */
    private static Map<String, Object> answers(RecentlyShipped recent) {
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("horizon", recent.horizon());
        List<AuditLogRecord> probes = List.of(K1, K2, K3, K4, log("unrecorded", T.plusSeconds(2)),
                log("k1", T.plusNanos(2)), log("before", HORIZON.minusNanos(1)), log("at", HORIZON));
        List<Offset> offsets = List.of(K1.offset(), K3.offset(), new Offset(T.plusSeconds(5), "z"));
        for (String exporter : List.of("datadog", "file", "s3", "untracked")) {
            for (AuditLogRecord probe : probes) {
                for (Offset offset : offsets) {
                    answers.put(exporter + " " + probe.offset() + " " + offset,
                            recent.lacks(exporter, offset, probe, OffsetOrder.CODE_POINT));
                }
            }
        }
        return answers;
    }

    private static int exporterSetInstances(RecentlyShipped recent) {
        Set<Set<String>> instances = Collections.newSetFromMap(new IdentityHashMap<>());
        instances.addAll(recent.shippedBy().values());
        return instances.size();
    }

    @Test
    void whatIsWrittenReadsBackToTheSameAnswers() {
        RecentlyShipped recent = shippedByThree();

        RecentlyShipped read = RecentlyShipped.fromJson(recent.toJson(), "here");

        assertThat(read.shippedBy()).isEqualTo(recent.shippedBy()).hasSize(4)
                .containsEntry(K1.offset(), Set.of("file")).containsEntry(K4.offset(), Set.of("file", "s3"));
        assertThat(answers(read)).isEqualTo(answers(recent));
        assertThat(answers(read)).containsValue(true).containsValue(false);
        assertThat(read.toJson()).isEqualTo(recent.toJson());
        read.forget("datadog");
        recent.forget("datadog");
        assertThat(answers(RecentlyShipped.fromJson(read.toJson(), "here"))).isEqualTo(answers(recent));
    }

    @Test
    void logsAreWrittenAsCountsSinceTheHorizonNotAsDatesAndAsExactAsTheyCame() {
        RecentlyShipped recent = shippedByThree();

        String value = recent.toJson();

        assertThat(value).startsWith("{\"version\":2,").contains("\"unit\":\"nanos\"")
                .doesNotContain("2026-11-20T10:00:01").doesNotContain("2026-11-20T10:00:03");
        // k1 lies a nanosecond after the whole microsecond: read back a microsecond early, it would be another log.
        assertThat(RecentlyShipped.fromJson(value, "here").shippedBy()).containsKey(K1.offset());

        recent.forget("file");
        recent.forget("s3");
        assertThat(recent.toJson()).as("no time finer than a microsecond is left (k1 went with file)")
                .contains("\"unit\":\"micros\"").contains("601123456,\"k\\\"2\"").contains("602123456,\"k");
    }

    @Test
    void aValueVersion1WroteReadsBackToTheSameStateAndIsRewrittenAsVersion2() {
        RecentlyShipped read = RecentlyShipped.fromJson(VERSION_1, "here");

        assertThat(read.shippedBy()).isEqualTo(shippedByThree().shippedBy());
        assertThat(answers(read)).isEqualTo(answers(shippedByThree()));
        String rewritten = read.toJson();
        assertThat(rewritten).startsWith("{\"version\":2,");
        assertThat(answers(RecentlyShipped.fromJson(rewritten, "here"))).isEqualTo(answers(shippedByThree()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "{}", "[]", "not json",
            "{\"version\":3,\"horizon\":null,\"unit\":\"micros\",\"exporters\":{},\"shipped\":[]}",
            "{\"version\":2,\"horizon\":null,\"exporters\":{},\"shipped\":[]}",
            "{\"version\":2,\"horizon\":null,\"unit\":\"micros\",\"exporters\":{},\"exporterSets\":[],\"logs\":[]}",
            "{\"version\":2,\"horizon\":null,\"unit\":\"micros\",\"exporters\":{},\"shipped\":[],\"extra\":1}",
            "{\"version\":2,\"horizon\":null,\"unit\":\"millis\",\"exporters\":{},\"shipped\":[]}",
            "{\"version\":2,\"horizon\":null,\"unit\":1000,\"exporters\":{},\"shipped\":[]}",
            "{\"version\":2,\"horizon\":\"yesterday\",\"unit\":\"micros\",\"exporters\":{},\"shipped\":[]}",
            "{\"version\":2,\"horizon\":null,\"unit\":\"micros\",\"exporters\":{},\"shipped\":{}}",
            "{\"version\":2,\"horizon\":null,\"unit\":\"micros\",\"exporters\":{},\"shipped\":[]} {}",
            "{\"version\":2,\"horizon\":null,\"unit\":\"micros\",\"unit\":\"nanos\",\"exporters\":{},\"shipped\":[]}",
            "{\"version\":2,\"horizon\":null,\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"f\"],\"logs\":[1,\"a\"]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[[\"f\"]]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"f\"]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"g\"],\"logs\":[]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[],\"logs\":[1,\"a\"]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"f\",\"f\"],\"logs\":[]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"f\"],\"logs\":[1]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"f\"],\"logs\":[-1,\"a\"]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"f\"],\"logs\":[1.5,\"a\"]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"f\"],\"logs\":[\"1\",\"a\"]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"f\"],\"logs\":[99999999999999999999,\"a\"]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{}},\"shipped\":[{\"by\":[\"f\"],\"logs\":[1,2]}]}",
            "{\"version\":2,\"horizon\":\"2026-11-20T09:50:00Z\",\"unit\":\"micros\",\"exporters\":{\"f\":{},\"g\":{}},\"shipped\":[{\"by\":[\"f\"],\"logs\":[1,\"a\"]},{\"by\":[\"g\"],\"logs\":[1,\"a\"]}]}",
            "{\"version\":1,\"horizon\":null,\"exporters\":{\"f\":{}},\"exporterSets\":[[\"f\"]],\"logs\":[[\"2026-11-20T09:50:00Z\",\"a\",0]]}",
            "{\"version\":1,\"horizon\":\"2026-11-20T09:50:00Z\",\"exporters\":{\"f\":{}},\"exporterSets\":[[\"f\"]],\"logs\":[[\"2026-11-20T09:49:59Z\",\"a\",0]]}",
            "{\"version\":1,\"horizon\":\"2026-11-20T09:50:00Z\",\"exporters\":{\"f\":{}},\"exporterSets\":[[\"f\"]],\"logs\":[[\"2026-11-20T09:50:01Z\",\"a\",0],[\"2026-11-20T09:50:01Z\",\"a\",0]]}",
            "{\"version\":1,\"horizon\":\"2026-11-20T09:50:00Z\",\"exporters\":{\"f\":{}},\"exporterSets\":[[\"f\"]],\"logs\":[[\"2026-11-20T09:50:01Z\",\"a\",1]]}"})
    void anythingElseIsRefusedNamingWhereAndTheFix(String value) {
        assertThatThrownBy(() -> RecentlyShipped.fromJson(value, "file /state/test.recent.json"))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("the value in file /state/test.recent.json is not what this shipper writes")
                .hasMessageContaining("--set-offset EXPORTER=TIMESTAMP[/ID]");
    }

    @Test
    void aVersionFromANewerShipperIsRefusedNamingTheVersionsThisOneReads() {
        assertThatThrownBy(() -> RecentlyShipped.fromJson(
                "{\"version\":3,\"horizon\":null,\"unit\":\"micros\",\"exporters\":{},\"shipped\":[]}", "here"))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("version 3 is not one this shipper reads (1, 2)");
    }

    @Test
    void aCorruptRecordInTheFileStoreStopsTheLoadAndOnlyAnAbsentOneIsNone() throws Exception {
        FileOffsetStore store = new FileOffsetStore(dir, "test");
        assertThat(store.loadRecent().horizon()).isNull();
        store.saveRecent(shippedByThree());
        assertThat(answers(store.loadRecent())).isEqualTo(answers(shippedByThree()));

        String written = Files.readString(dir.resolve("test.recent.json"));
        Files.writeString(dir.resolve("test.recent.json"), written.substring(0, written.length() / 2));

        assertThatThrownBy(store::loadRecent).isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining(dir.resolve("test.recent.json").toString()).hasMessageContaining("not JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aJdbcStoreHoldsTheRecordAsWritten(String backend) {
        Database database = new Database(TestDatabases.url(backend, dir), null, null);
        JdbcOffsetStore store = new JdbcOffsetStore(database, "offsets_" + TestDatabases.freshTable(), "test");
        RecentlyShipped busy = shippedByThree();
        List<AuditLogRecord> window = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            window.add(log("log-" + i, T.plusNanos(i * 1_000L)));
        }
        busy.record("file", window);

        store.saveRecent(busy);

        assertThat(store.loadRecent().shippedBy()).isEqualTo(busy.shippedBy()).hasSize(20_004);
        store.close();
    }

    @Test
    void logsShippedByTheSameExportersShareOneExporterSet() {
        RecentlyShipped recent = RecentlyShipped.none();
        recent.track(Map.of("file", Offset.before(HORIZON), "datadog", Offset.before(HORIZON)));
        recent.advanceHorizon(HORIZON);
        List<AuditLogRecord> window = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            window.add(log("log-" + i, HORIZON.plusNanos(i * 1_000L)));
        }
        for (int from = 0; from < window.size(); from += 5_000) {
            recent.record("file", window.subList(from, from + 5_000));
            recent.record("datadog", window.subList(from, from + 5_000));
        }

        assertThat(recent.shippedBy()).hasSize(100_000).containsEntry(window.get(0).offset(), Set.of("datadog", "file"));
        assertThat(exporterSetInstances(recent)).isEqualTo(1);
        RecentlyShipped read = RecentlyShipped.fromJson(recent.toJson(), "here");
        assertThat(read.shippedBy()).hasSize(100_000);
        assertThat(exporterSetInstances(read)).as("read back").isEqualTo(1);
        read.forget("datadog");
        assertThat(exporterSetInstances(read)).as("after forgetting one exporter").isEqualTo(1);

        recent.track(Map.of("s3", Offset.before(HORIZON)));
        recent.record("s3", window.subList(0, 10));
        assertThat(exporterSetInstances(recent)).as("ten logs shipped by one more exporter").isEqualTo(2);
    }
}
