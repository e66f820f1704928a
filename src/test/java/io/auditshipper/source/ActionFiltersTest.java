package io.auditshipper.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code types} and {@code excludeTypes} (the AuditLog's action) applied in the JDBC source's query, on H2 (the
 * value a CLOB of JSON text) and on PostgreSQL (jsonb), end to end over two passes.
 */
class ActionFiltersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @TempDir
    Path dir;

    private String task(ShipperFixture f, String extra) {
        return "id: ship\ntype: io.kestra.plugin.ee.core.log.AuditLogShipper\noffsetKey: test\nsettleDelay: PT5S\n"
                + "backoff:\n  maxRetries: 0\n  initialDelay: PT0.01S\nchunk: 100\n" + f.sourceYaml(150)
                + "offsetStore:\n  type: file\n  directory: \"" + dir.resolve("state") + "\"\n" + extra
                + "logExporters:\n" + f.fileExporterYaml("file");
    }

    static String type(AuditLogTable.Row row) {
        try {
            return JSON.readTree(row.log().json()).path("type").asText(null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The row with its JSON re-spaced and a nested "type" that is an action name, which must not be matched. */
    private static AuditLogTable.Row tricky(AuditLogTable.Row row, String nestedType) throws Exception {
        ObjectNode log = (ObjectNode) JSON.readTree(row.log().json());
        ((ObjectNode) log.get("detail")).put("type", nestedType);
        String spaced = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(log);
        return new AuditLogTable.Row(new AuditLogRecord(row.log().id(), row.log().timestamp(), spaced), row.tenant(),
                row.namespace(), row.resource());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void typesKeepOnlyTheseActionsAndOffsetsMovePastTheOthers(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        DemoAuditLogs demo = new DemoAuditLogs(31);
        List<AuditLogTable.Row> first = new ArrayList<>(demo.rows(1_200, NOW.minus(Duration.ofHours(3)), NOW.minus(Duration.ofHours(2))));
        // Pretty-printed JSON, and a READ whose detail.type says DELETE: only the top-level type counts.
        first.set(0, tricky(first.get(0), "DELETE"));
        first.set(1, tricky(first.get(1), "CREATE"));
        f.insert(first);
        ShipperConfig config = f.config(task(f, "types: [CREATE, DELETE]\n"));
        assertThat(config.types()).containsExactly("CREATE", "DELETE");

        Pass one = f.runOnce(config);
        List<AuditLogTable.Row> second = demo.rows(400, NOW.minus(Duration.ofMinutes(50)), NOW.minus(Duration.ofMinutes(40)));
        f.insert(second);
        f.clock.advance(Duration.ofMinutes(1));
        Pass two = f.runOnce(config);

        List<AuditLogTable.Row> all = new ArrayList<>(first);
        all.addAll(second);
        List<AuditLogTable.Row> expected = all.stream().filter(r -> Set.of("CREATE", "DELETE").contains(type(r))).toList();
        assertThat(expected).hasSizeGreaterThan(200).hasSizeLessThan(all.size() / 2);
        assertThat(one.shipped("file") + two.shipped("file")).isEqualTo(expected.size());
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void excludeTypesLeavesOutTheNoisyActionWithTheOtherFilters(String backend) throws Exception {
        ShipperFixture f = new ShipperFixture(backend, dir, NOW);
        DemoAuditLogs demo = new DemoAuditLogs(32);
        List<AuditLogTable.Row> rows = new ArrayList<>(demo.rows(1_500, NOW.minus(Duration.ofHours(3)), NOW.minusSeconds(30)));
        // A log without a type is not an excluded action: it is shipped.
        ObjectNode untyped = (ObjectNode) JSON.readTree(rows.get(2).log().json());
        untyped.remove("type");
        rows.set(2, new AuditLogTable.Row(new AuditLogRecord(rows.get(2).log().id(), rows.get(2).log().timestamp(),
                untyped.toString()), rows.get(2).tenant(), "company.team", "FLOW"));
        f.insert(rows);
        ShipperConfig config = f.config(task(f, "resources: [FLOW, EXECUTION, USER]\nexcludeTypes: [READ, LOGIN]\n"));

        Pass pass = f.runOnce(config);

        List<AuditLogTable.Row> expected = rows.stream()
                .filter(r -> Set.of("FLOW", "EXECUTION", "USER").contains(r.resource()))
                .filter(r -> !"READ".equals(type(r)) && !"LOGIN".equals(type(r))).toList();
        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(pass.shipped("file")).isEqualTo(expected.size());
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(expected))
                .contains(rows.get(2).log().id());
    }

    @Test
    void anUnknownActionIsAConfigurationErrorNamingTheProperty() {
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        assertThatThrownBy(() -> f.config(task(f, "types: [CREATE, REED]\nexcludeTypes: READ\n")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(p -> assertThat(p)
                        .startsWith("types: unknown audit action 'REED'").contains("LOGIN_FAILURE"))
                        .anySatisfy(p -> assertThat(p).startsWith("excludeTypes: expected a list of audit actions")));
    }
}
