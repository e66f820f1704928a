package io.auditshipper.offset;

import io.auditshipper.jdbc.Database;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A stored value is either exactly what the shipper writes or refused: never read as "no offset yet". */
class StoredOffsetsTest {

    private static final Instant T = Instant.parse("2026-11-20T10:00:00.123456Z");
    private static final StoredOffsets OFFSETS = StoredOffsets.NONE
            .advance("file", new Offset(T, "k\uD83D\uDE00 \"q\" é"), OffsetOrder.CODE_POINT)
            .advance("datadog", Offset.before(T.minusSeconds(60)), OffsetOrder.CODE_POINT);

    @TempDir
    Path dir;

    @Test
    void whatTheShipperWritesReadsBackEqual() {
        assertThat(StoredOffsets.fromJson(OFFSETS.toJson(), "here")).isEqualTo(OFFSETS);
        assertThat(StoredOffsets.fromJson(StoredOffsets.NONE.toJson(), "here")).isEqualTo(StoredOffsets.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "  \n", "{}", "{\"foo\":[1]}", "[]", "null", "not json",
            "{\"version\":2,\"exporters\":{}}",
            "{\"version\":\"1\",\"exporters\":{}}",
            "{\"exporters\":{\"file\":{\"timestamp\":\"2026-11-20T10:00:00Z\",\"id\":\"a\"}}}",
            "{\"version\":1,\"exporters\":{},\"extra\":true}",
            "{\"version\":1,\"exporters\":[]}",
            "{\"version\":1,\"exporters\":{\"file\":{\"timestamp\":\"2026-11-20T10:00:00Z\"}}}",
            "{\"version\":1,\"exporters\":{\"file\":{\"timestamp\":\"yesterday\",\"id\":\"a\"}}}",
            "{\"version\":1,\"exporters\":{\"file\":{\"timestamp\":1763632800,\"id\":\"a\"}}}",
            "{\"version\":1,\"exporters\":{\"file\":{\"timestamp\":\"2026-11-20T10:00:00Z\",\"id\":\"a\",\"more\":1}}}",
            "{\"version\":1,\"exporters\":{\"file\":{\"timestamp\":\"2026-11-20T10:00:00Z\",\"id\":\"a\"},"
                    + "\"file\":{\"timestamp\":\"2026-11-21T10:00:00Z\",\"id\":\"b\"}}}",
            "{\"version\":1,\"exporters\":{}} {\"version\":1,\"exporters\":{}}"})
    void anythingElseIsRefusedNamingWhereAndTheFix(String value) {
        assertThatThrownBy(() -> StoredOffsets.fromJson(value, "file /state/test.json"))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("the value in file /state/test.json is not what this shipper writes")
                .hasMessageContaining("--set-offset EXPORTER=TIMESTAMP[/ID]");
    }

    @Test
    void anEmptyOffsetFileIsRefusedAndOnlyAnAbsentOneMeansNoOffset() throws Exception {
        FileOffsetStore store = new FileOffsetStore(dir, "test");
        assertThat(store.load()).isEqualTo(StoredOffsets.NONE);

        Files.writeString(dir.resolve("test.json"), "");

        assertThatThrownBy(store::load).isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining(dir.resolve("test.json").toString()).hasMessageContaining("the value is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aJdbcRowThatIsNotOffsetsIsRefusedAndOnlyAnAbsentRowMeansNoOffset(String backend) throws Exception {
        Database database = new Database(io.auditshipper.support.TestDatabases.url(backend, dir), null, null);
        String table = "offsets_" + io.auditshipper.support.TestDatabases.freshTable();
        JdbcOffsetStore store = new JdbcOffsetStore(database, table, "test");
        assertThat(store.load()).isEqualTo(StoredOffsets.NONE);
        store.save(OFFSETS);
        assertThat(store.load()).isEqualTo(OFFSETS);

        for (String value : List.of("", "{\"foo\":[1]}")) {
            try (Connection connection = database.connect(); PreparedStatement update = connection.prepareStatement(
                    "UPDATE " + Database.quote(table) + " SET \"value\" = ? WHERE \"key\" = 'test'")) {
                update.setString(1, value);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }

            assertThatThrownBy(store::load).as(value).isInstanceOf(OffsetStoreException.class)
                    .hasMessageContaining("key test").hasMessageContaining("--set-offset");
        }
        store.close();
    }

    @Test
    void anOffsetLaterThanNowBeyondTheToleranceIsRefusedNamingTheExporter() {
        StoredOffsets offsets = OFFSETS.advance("ahead", Offset.before(Instant.parse("2099-01-01T00:00:00Z")), OffsetOrder.CODE_POINT);

        assertThatThrownBy(() -> offsets.refuseFuture(List.of("file", "ahead"), T, "file x"))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("exporter 'ahead'").hasMessageContaining("later than now")
                .hasMessageContaining("--set-offset ahead=");
        assertThatCode(() -> offsets.refuseFuture(List.of("file", "datadog"), T.minus(StoredOffsets.CLOCK_TOLERANCE), "file x"))
                .as("within the tolerance").doesNotThrowAnyException();
        assertThatThrownBy(() -> offsets.refuseFuture(List.of("file"), T.minusSeconds(3600), "file x"))
                .isInstanceOf(OffsetStoreException.class).hasMessageContaining("exporter 'file'");
    }

    @Test
    void theRecentlyShippedLogsReadBackAsWrittenAndAnythingElseIsRefused() {
        Instant horizon = T.minusSeconds(600);
        RecentlyShipped recent = RecentlyShipped.none();
        recent.track(OFFSETS.exporters());
        recent.advanceHorizon(horizon);
        io.auditshipper.model.AuditLogRecord shipped = new io.auditshipper.model.AuditLogRecord("k\"2", T.plusSeconds(1), "{}");
        io.auditshipper.model.AuditLogRecord other = new io.auditshipper.model.AuditLogRecord("k3", T.plusSeconds(2), "{}");
        recent.record("file", List.of(shipped, other));
        recent.record("datadog", List.of(shipped));
        Offset upTo = new Offset(T.plusSeconds(5), "z");

        RecentlyShipped read = RecentlyShipped.fromJson(recent.toJson(), "here");

        assertThat(read.toJson()).isEqualTo(recent.toJson());
        assertThat(read.lacks("file", upTo, shipped, OffsetOrder.CODE_POINT)).isFalse();
        assertThat(read.lacks("datadog", upTo, other, OffsetOrder.CODE_POINT)).isTrue();
        assertThat(read.lacks("datadog", upTo, new io.auditshipper.model.AuditLogRecord("k0", T.minusSeconds(700), "{}"),
                OffsetOrder.CODE_POINT)).as("before the horizon: not kept, not late").isFalse();
        assertThat(read.lacks("file", OFFSETS.of("file").orElseThrow(), other, OffsetOrder.CODE_POINT))
                .as("ahead of the offset: shipped forward, not late").isFalse();
        assertThat(read.advanceHorizon(horizon.minusSeconds(60))).as("the horizon never goes back").isEqualTo(horizon);
        read.forget("datadog");
        RecentlyShipped forgotten = RecentlyShipped.fromJson(read.toJson(), "here");
        assertThat(forgotten.toJson()).doesNotContain("datadog");
        assertThat(forgotten.lacks("file", upTo, shipped, OffsetOrder.CODE_POINT)).as("the others' logs stay").isFalse();
        for (String value : List.of("", "{}", "{\"version\":1,\"horizon\":null,\"exporters\":{},\"exporterSets\":[],\"logs\":[[\"x\",\"y\",0]]}",
                "{\"version\":1,\"horizon\":null,\"exporters\":{},\"exporterSets\":[[\"nope\"]],\"logs\":[]}",
                "{\"version\":1,\"exporters\":{},\"exporterSets\":[],\"logs\":[]}")) {
            assertThatThrownBy(() -> RecentlyShipped.fromJson(value, "file /state/test.recent.json")).as(value)
                    .isInstanceOf(OffsetStoreException.class).hasMessageContaining("file /state/test.recent.json");
        }
    }
}
