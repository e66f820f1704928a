package io.auditshipper.kestra;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.config.SourceConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.offset.KestraKvOffsetStore;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogFilter;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.source.KestraApiAuditLogSource;
import io.auditshipper.source.SourceException;
import io.auditshipper.support.FakeHttpIntake.Request;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kestra source against a Kestra 1.x and a Kestra 2.x server ({@code source.apiVersion} AUTO, V1, V2), with the
 * action filters ({@code types}, {@code excludeTypes}), end to end through the pipeline and the KV offset store.
 */
class KestraApiGenerationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final Set<String> V1_PARAMS = Set.of("startDate", "endDate", "resources", "namespace", "type");

    @TempDir
    Path dir;

    private final FakeKestraServer kestra = new FakeKestraServer();

    @AfterEach
    void stop() {
        kestra.close();
    }

    private String task(ShipperFixture f, String extra, String apiVersion) {
        return kestra.shipperTask(f, "backoff:\n  maxRetries: 0\n" + extra,
                (apiVersion == null ? "" : "  apiVersion: " + apiVersion + "\n")
                        + "  username: " + FakeKestraServer.USER + "\n  password: " + FakeKestraServer.PASSWORD + "\n");
    }

    /** {@code count} logs, runs of {@code run} sharing a date, from {@code start} a second apart, added to the server. */
    private List<AuditLogTable.Row> load(int count, int run, Instant start, long seed) {
        DemoAuditLogs demo = new DemoAuditLogs(seed);
        List<AuditLogTable.Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(demo.row(start.plusSeconds(i / run)));
        }
        List<AuditLogTable.Row> shuffled = new ArrayList<>(rows);
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
        shuffled.forEach(row -> kestra.add(row.log().json()));
        return rows;
    }

    private static String action(AuditLogTable.Row row) {
        try {
            return JSON.readTree(row.log().json()).path("type").asText(null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> paramNames(Request request) {
        Set<String> names = new java.util.HashSet<>();
        for (String pair : request.query().split("&")) {
            names.add(java.net.URLDecoder.decode(pair.split("=", 2)[0], java.nio.charset.StandardCharsets.UTF_8));
        }
        return names;
    }

    private List<Request> configsCalls() {
        return kestra.requests().stream().filter(r -> r.path().equals("/api/v1/configs")).toList();
    }

    @Test
    void shipsEveryLogOnceOverTwoPassesThroughAKestra2ServerWithItsFiltersAndKvOffsets() throws Exception {
        kestra.v2();
        List<AuditLogTable.Row> rows = load(1_500, 7, NOW.minus(Duration.ofHours(2)), 61);
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        String yaml = task(f, "resources: [FLOW, EXECUTION, USER, SECRET]\nnamespace: company\nexcludeTypes: [READ]\n", null);

        Pass first = f.runOnce(f.config(yaml));
        List<AuditLogTable.Row> late = load(300, 3, NOW.minus(Duration.ofMinutes(3)), 62);
        f.clock.advance(Duration.ofMinutes(1));
        Pass second = f.runOnce(f.config(yaml));

        assertThat(kestra.http.violations()).isEmpty();
        assertThat(first.allSucceeded()).isTrue();
        assertThat(second.allSucceeded()).isTrue();
        List<AuditLogTable.Row> all = new ArrayList<>(rows);
        all.addAll(late);
        Predicate<AuditLogTable.Row> selected = r -> Set.of("FLOW", "EXECUTION", "USER", "SECRET").contains(r.resource())
                && (r.namespace().equals("company") || r.namespace().startsWith("company.")) && !"READ".equals(action(r));
        List<AuditLogTable.Row> expected = all.stream().filter(selected).toList();
        assertThat(expected).hasSizeGreaterThan(200);
        assertThat(late.stream().filter(selected)).isNotEmpty();
        assertThat(first.shipped("file") + second.shipped("file")).isEqualTo(expected.size());
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(expected));
        // Only the 2.0 parameters were sent (the server refuses the others), every filter with them.
        assertThat(kestra.searches()).isNotEmpty().allSatisfy(r -> {
            assertThat(paramNames(r)).doesNotContainAnyElementsOf(V1_PARAMS)
                    .contains("filters[startDate][GREATER_THAN_OR_EQUAL_TO]", "filters[endDate][LESS_THAN_OR_EQUAL_TO]");
            assertThat(r.params("filters[resources][IN]")).containsExactly("FLOW,EXECUTION,USER,SECRET");
            assertThat(r.params("filters[namespace][PREFIX]")).containsExactly("company");
            assertThat(r.params("filters[action][NOT_IN]")).containsExactly("READ");
        });
        assertThat(configsCalls()).as("AUTO asks the version once per shipper (one per pass here)").hasSize(2);
        // The KV offset store and its lease work against the 2.x server (the same endpoints).
        StoredOffsets stored = new KestraKvOffsetStore(new KestraApiClient(kestra.url(), "main", FakeKestraServer.USER,
                FakeKestraServer.PASSWORD, null), "system", "kestraOffsets").load();
        assertThat(stored.of("file")).contains(ShipperFixture.inShippingOrder(expected).get(expected.size() - 1).offset());
    }

    @Test
    void autoOnAKestra1ServerSendsThe1xParametersAndOneActionAsItsTypeParameter() throws Exception {
        List<AuditLogTable.Row> rows = load(900, 3, NOW.minus(Duration.ofHours(2)), 63);
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);

        Pass pass = f.runOnce(f.config(task(f, "types: [DELETE]\n", "AUTO")));

        assertThat(kestra.http.violations()).isEmpty();
        assertThat(pass.allSucceeded()).isTrue();
        List<AuditLogTable.Row> expected = rows.stream().filter(r -> "DELETE".equals(action(r))).toList();
        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(expected));
        assertThat(configsCalls()).hasSize(1);
        assertThat(kestra.searches()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.params("type")).containsExactly("DELETE");
            assertThat(r.params("startDate")).hasSize(1);
            assertThat(paramNames(r)).noneMatch(n -> n.startsWith("filters"));
        });
    }

    @Test
    void onKestra1SeveralActionsOrExclusionsAreFilteredAfterReadingAndOffsetsMovePastThem() throws Exception {
        List<AuditLogTable.Row> rows = load(1_000, 4, NOW.minus(Duration.ofHours(2)), 64);
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        String yaml = task(f, "types: [CREATE, UPDATE, DELETE]\nexcludeTypes: [UPDATE]\n", "V1");

        Pass first = f.runOnce(f.config(yaml));
        f.clock.advance(Duration.ofMinutes(1));
        Pass second = f.runOnce(f.config(yaml));

        assertThat(kestra.http.violations()).isEmpty();
        List<AuditLogTable.Row> expected = rows.stream().filter(r -> Set.of("CREATE", "DELETE").contains(action(r))).toList();
        assertThat(first.shipped("file")).isEqualTo(expected.size());
        assertThat(second.shipped("file")).isZero();
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(expected));
        assertThat(configsCalls()).as("pinned: no detection").isEmpty();
        // The reading sends no type (1.x takes one); the count of the logs before the lookback asks action by action.
        assertThat(kestra.searches()).filteredOn(r -> !r.params("size").equals(List.of("1"))).isNotEmpty()
                .allSatisfy(r -> assertThat(r.params("type")).isEmpty());
        assertThat(kestra.searches()).filteredOn(r -> r.params("size").equals(List.of("1")))
                .extracting(r -> r.params("type")).containsOnly(List.of("CREATE"), List.of("DELETE"));
    }

    private KestraApiAuditLogSource source(SourceConfig.ApiVersion version, AuditLogFilter filter) {
        return new KestraApiAuditLogSource(new SourceConfig(SourceConfig.Kind.KESTRA, kestra.url(), FakeKestraServer.USER,
                FakeKestraServer.PASSWORD, null, "main", null, null, 50, false, SourceConfig.DEFAULT_CONNECT_TIMEOUT,
                SourceConfig.DEFAULT_REQUEST_TIMEOUT, version), filter);
    }

    private static List<AuditLogRecord> readAll(KestraApiAuditLogSource source) {
        List<AuditLogRecord> out = new ArrayList<>();
        Iterator<List<AuditLogRecord>> pages = source.read(new Offset(Instant.EPOCH, ""), NOW);
        pages.forEachRemaining(out::addAll);
        return out;
    }

    @Test
    void autoFindsEachGenerationFromTheServersVersion() {
        load(120, 2, NOW.minus(Duration.ofHours(1)), 65);
        AuditLogFilter all = new AuditLogFilter(List.of(), null);
        KestraApiAuditLogSource onV1 = source(SourceConfig.ApiVersion.AUTO, all);
        assertThat(readAll(onV1)).hasSize(120);
        assertThat(onV1.generation()).isEqualTo(SourceConfig.ApiVersion.V1);

        kestra.v2();
        KestraApiAuditLogSource onV2 = source(SourceConfig.ApiVersion.AUTO, all);
        assertThat(readAll(onV2)).hasSize(120);
        assertThat(onV2.generation()).isEqualTo(SourceConfig.ApiVersion.V2);
        assertThat(onV2.countBefore(NOW)).isEqualTo(120);
        assertThat(configsCalls()).hasSize(2);
        assertThat(kestra.http.violations()).isEmpty();
    }

    @Test
    void aV1PinnedSourceAgainstAKestra2ServerFailsClearly() {
        kestra.v2();
        load(30, 1, NOW.minus(Duration.ofHours(1)), 66);

        assertThatThrownBy(() -> readAll(source(SourceConfig.ApiVersion.V1, new AuditLogFilter(List.of(), null))))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("400")
                .hasMessageContaining("refused the Kestra 1.x search parameters")
                .hasMessageContaining("set source.apiVersion: V2")
                .hasMessageContaining("pinned to V1")
                .hasMessageNotContaining(FakeKestraServer.PASSWORD);
        // The server's answer is Micronaut's error naming the 1.x parameter it does not take.
        assertThat(kestra.searches()).hasSize(1);
    }

    @Test
    void aV2PinnedSourceAgainstAKestra1ServerFailsClearlyToo() {
        load(30, 1, NOW.minus(Duration.ofHours(1)), 67);

        assertThatThrownBy(() -> readAll(source(SourceConfig.ApiVersion.V2, new AuditLogFilter(List.of(), null))))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("refused the Kestra 2.x filters").hasMessageContaining("source.apiVersion: V1");
    }

    @Test
    void aServerThatGivesNoVersionIsFoundByItsFirstSearch() {
        load(120, 2, NOW.minus(Duration.ofHours(1)), 69);
        kestra.version = null;
        KestraApiAuditLogSource onV1 = source(SourceConfig.ApiVersion.AUTO, new AuditLogFilter(List.of(), null));
        assertThat(readAll(onV1)).hasSize(120);
        assertThat(onV1.generation()).isEqualTo(SourceConfig.ApiVersion.V1);

        kestra.v2();
        kestra.version = null;
        int before = kestra.searches().size();
        KestraApiAuditLogSource onV2 = source(SourceConfig.ApiVersion.AUTO, new AuditLogFilter(List.of(), null));
        assertThat(readAll(onV2)).hasSize(120);
        assertThat(onV2.generation()).isEqualTo(SourceConfig.ApiVersion.V2);
        // The one refused 1.x search, then the 2.x filters.
        List<Request> searches = kestra.searches().subList(before, kestra.searches().size());
        assertThat(searches.get(0).params("startDate")).hasSize(1);
        assertThat(searches.subList(1, searches.size())).isNotEmpty().allSatisfy(r -> assertThat(paramNames(r))
                .contains("filters[startDate][GREATER_THAN_OR_EQUAL_TO]").doesNotContainAnyElementsOf(V1_PARAMS));
    }

    @Test
    void countBeforeOnKestra1CountsActionByActionWhatTheServerCannotFilterInOneSearch() {
        List<AuditLogTable.Row> rows = load(300, 1, NOW.minus(Duration.ofHours(1)), 68);
        long notRead = rows.stream().filter(r -> !"READ".equals(action(r))).count();
        long createOrLogin = rows.stream().filter(r -> Set.of("CREATE", "LOGIN").contains(action(r))).count();

        assertThat(source(SourceConfig.ApiVersion.V1, new AuditLogFilter(List.of(), null, List.of(), List.of("READ")))
                .countBefore(NOW)).isEqualTo(notRead);
        assertThat(source(SourceConfig.ApiVersion.V1, new AuditLogFilter(List.of(), null, List.of("CREATE", "LOGIN"), List.of()))
                .countBefore(NOW)).isEqualTo(createOrLogin);
        assertThat(kestra.http.violations()).isEmpty();
    }

    @Test
    void apiVersionIsReadAndAWrongOneNamesTheProperty() {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        assertThat(f.config(task(f, "", "v2")).source().apiVersion()).isEqualTo(SourceConfig.ApiVersion.V2);
        assertThat(f.config(task(f, "", null)).source().apiVersion()).isEqualTo(SourceConfig.ApiVersion.AUTO);
        assertThatThrownBy(() -> f.config(task(f, "", "V3")))
                .isInstanceOf(io.auditshipper.config.ConfigException.class)
                .satisfies(e -> assertThat(((io.auditshipper.config.ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).startsWith("source.apiVersion: 'V3' is not one of AUTO, V1, V2 (the Kestra API generation")));
    }
}
