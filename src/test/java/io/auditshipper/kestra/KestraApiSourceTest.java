package io.auditshipper.kestra;

import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.offset.KestraKvOffsetStore;
import io.auditshipper.offset.OffsetStoreException;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kestra source and the Kestra KV offset store through the pipeline, against a server that answers as
 * Kestra EE's OpenAPI spec says.
 */
class KestraApiSourceTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @TempDir
    Path dir;

    private final FakeKestraServer kestra = new FakeKestraServer();

    @AfterEach
    void stop() {
        kestra.close();
    }

    private String task(ShipperFixture f, String auth, String extra) {
        return kestra.shipperTask(f, "backoff:\n  maxRetries: 0\n" + extra, auth);
    }

    private static final String BASIC = "  username: " + FakeKestraServer.USER + "\n  password: \"{{ secret('KESTRA_PASSWORD') }}\"\n";

    /** {@code count} logs in runs of {@code run} sharing one timestamp, in the server in no particular order. */
    private List<AuditLogTable.Row> load(int count, int run, long seed) {
        DemoAuditLogs demo = new DemoAuditLogs(seed);
        List<AuditLogTable.Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(demo.row(NOW.minus(Duration.ofHours(2)).plusSeconds(i / run)));
        }
        List<AuditLogTable.Row> shuffled = new ArrayList<>(rows);
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
        shuffled.forEach(row -> kestra.add(row.log().json()));
        return rows;
    }

    private Pass ship(ShipperFixture f, String yaml, String password) throws Exception {
        return f.runOnce(f.config(yaml, Map.of("KESTRA_PASSWORD", password)));
    }

    @Test
    void pagesThroughTheBacklogAndKeepsItsOffsetInTheKestraKvStore() throws Exception {
        List<AuditLogTable.Row> rows = load(2_537, 23, 51);
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        String yaml = task(f, BASIC, "");

        Pass first = ship(f, yaml, FakeKestraServer.PASSWORD);

        assertThat(kestra.http.violations()).isEmpty();
        assertThat(first.allSucceeded()).isTrue();
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(rows));
        assertThat(kestra.searches()).hasSizeGreaterThanOrEqualTo(26)
                .allSatisfy(r -> assertThat(r.params("page")).containsExactly("1"));
        assertThat(kestra.kv).containsKey("main/system/kestraOffsets");
        StoredOffsets stored = new KestraKvOffsetStore(new KestraApiClient(kestra.url(), "main", FakeKestraServer.USER,
                FakeKestraServer.PASSWORD, null), "system", "kestraOffsets").load();
        assertThat(stored.of("file")).contains(ShipperFixture.inShippingOrder(rows).get(2_536).offset());

        // Logs committed late, inside the settle delay of the first pass, and a pass with nothing new.
        DemoAuditLogs demo = new DemoAuditLogs(52);
        List<AuditLogTable.Row> late = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            late.add(demo.row(NOW.minusSeconds(2)));
        }
        late.forEach(row -> kestra.add(row.log().json()));
        f.clock.advance(Duration.ofMinutes(1));
        kestra.kvAsObject = true;
        Pass second = ship(f, yaml, FakeKestraServer.PASSWORD);
        Pass third = ship(f, yaml, FakeKestraServer.PASSWORD);

        assertThat(second.shipped("file")).isEqualTo(7);
        assertThat(third.shipped("file")).isZero();
        List<AuditLogTable.Row> all = new ArrayList<>(rows);
        all.addAll(late);
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(all));
    }

    @Test
    void sendsTheResourceAndNamespaceFiltersWithABearerToken() throws Exception {
        List<AuditLogTable.Row> rows = load(1_200, 3, 53);
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        String yaml = task(f, "  apiToken: " + FakeKestraServer.TOKEN + "\n", "resources: [FLOW, EXECUTION]\nnamespace: company.team\n");

        Pass pass = ship(f, yaml, "unused");

        assertThat(pass.allSucceeded()).isTrue();
        List<AuditLogTable.Row> expected = rows.stream()
                .filter(r -> r.resource().equals("FLOW") || r.resource().equals("EXECUTION"))
                .filter(r -> r.namespace().equals("company.team") || r.namespace().startsWith("company.team."))
                .toList();
        assertThat(expected).isNotEmpty();
        assertThat(f.shippedIds("file")).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(expected));
        assertThat(kestra.http.requests()).filteredOn(r -> r.path().endsWith("/auditlogs/search")).allSatisfy(r -> {
            assertThat(r.params("resources")).containsExactly("FLOW,EXECUTION");
            assertThat(r.params("namespace")).containsExactly("company.team");
            assertThat(r.params("sort")).containsExactly("date:asc");
        });
    }

    @Test
    void rejectedCredentialsStopTheShipperBeforeAnyPassClearlyWithoutShowingThePassword() throws Exception {
        load(50, 1, 54);
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);

        // The first call is for the lease on the offsets, before anything is read or shipped.
        assertThatThrownBy(() -> ship(f, task(f, BASIC, ""), "wrong-password-789")).isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("401").hasMessageContaining("check the credentials")
                .hasMessageNotContaining("wrong-password-789");
        assertThat(f.shippedIds("file")).isEmpty();
        assertThat(kestra.kv).isEmpty();
    }
}
