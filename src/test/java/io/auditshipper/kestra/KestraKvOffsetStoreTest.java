package io.auditshipper.kestra;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.offset.KestraKvOffsetStore;
import io.auditshipper.offset.OffsetStoreException;
import io.auditshipper.offset.RecentlyShipped;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.support.FakeHttpIntake.Request;
import io.auditshipper.support.ManualLeaseTimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link KestraKvOffsetStore} against a KV store that answers as Kestra EE's OpenAPI spec (1.3.0) says. */
class KestraKvOffsetStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KV_PATH = "/api/v1/main/namespaces/company.team/kv/kestraOffsets";
    private static final String OFFSETS = "main/company.team/kestraOffsets";
    private static final String LEASE = "main/company.team/kestraOffsets.lease";

    private final FakeKestraServer kestra = new FakeKestraServer();

    @AfterEach
    void stop() {
        kestra.close();
    }

    private KestraKvOffsetStore basicStore() {
        return store(FakeKestraServer.USER, FakeKestraServer.PASSWORD, null);
    }

    private KestraKvOffsetStore store(String user, String password, String token) {
        return new KestraKvOffsetStore(new KestraApiClient(kestra.url(), "main", user, password, token),
                "company.team", "kestraOffsets");
    }

    private static StoredOffsets severalExporters() {
        return StoredOffsets.NONE
                .advance("file", new Offset(Instant.parse("2026-11-20T10:00:00.123456Z"), "4sUsg2bJ0cGdbFOoRUBvrb"), OffsetOrder.CODE_POINT)
                .advance("datadog", new Offset(Instant.parse("2026-11-20T09:59:58Z"), "0a1b2c"), OffsetOrder.CODE_POINT)
                .advance("elastic-search_1", new Offset(Instant.parse("2026-11-19T23:00:00.000001Z"), "id with \"quotes\" é"), OffsetOrder.CODE_POINT)
                .advance("otel", new Offset(Instant.parse("2026-11-20T10:00:00.123456Z"), "4sUsg2bJ0cGdbFOoRUBvra"), OffsetOrder.CODE_POINT);
    }

    @Test
    void anAbsentKeyLoadsAsNoOffsets() {
        assertThat(basicStore().load()).isEqualTo(StoredOffsets.NONE);

        assertThat(kestra.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).isEqualTo(KV_PATH);
            assertThat(r.query()).isNull();
        });
    }

    @Test
    void savedOffsetsOfSeveralExportersLoadBackEqual() throws Exception {
        KestraKvOffsetStore store = basicStore();
        StoredOffsets offsets = severalExporters();

        store.save(offsets);
        StoredOffsets loaded = store.load();

        assertThat(loaded).isEqualTo(offsets);
        assertThat(loaded.exporters()).hasSize(4);
        assertThat(loaded.global(List.of("file", "datadog", "otel"), OffsetOrder.CODE_POINT)).contains(offsets.of("datadog").orElseThrow());
        Request put = kestra.requests().get(0);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.path()).isEqualTo(KV_PATH);
        assertThat(put.header("Content-Type")).startsWith("text/plain");
        assertThat(JSON.readTree(new String(put.body(), StandardCharsets.UTF_8))).isEqualTo(JSON.readTree(offsets.toJson()));
        assertThat(kestra.kv).containsOnlyKeys("main/company.team/kestraOffsets");

        // Saved again, moved on: the new value replaces the old one, and a new store reads it.
        StoredOffsets next = offsets.advance("datadog", new Offset(Instant.parse("2026-11-20T11:00:00Z"), "z"), OffsetOrder.CODE_POINT)
                .advance("s3", new Offset(Instant.parse("2026-11-20T11:00:01Z"), "y"), OffsetOrder.CODE_POINT);
        store.save(next);
        assertThat(basicStore().load()).isEqualTo(next);
    }

    @Test
    void readsTheValueWhenKestraAnswersItAsAJsonObject() throws Exception {
        kestra.kvAsObject = true;
        StoredOffsets offsets = severalExporters();
        basicStore().save(offsets);

        StoredOffsets loaded = basicStore().load();

        assertThat(loaded).isEqualTo(offsets);
        // The server did answer the value as an object, not as a string.
        KestraApiClient client = new KestraApiClient(kestra.url(), "main", FakeKestraServer.USER, FakeKestraServer.PASSWORD, null);
        var detail = JSON.readTree(client.get(client.uri("namespaces/company.team/kv/kestraOffsets", Map.of())));
        assertThat(detail.path("type").asText()).isEqualTo("JSON");
        assertThat(detail.path("value").isObject()).isTrue();
        assertThat(detail.path("value").path("exporters").size()).isEqualTo(4);
    }

    @Test
    void theLateArrivalRecordReadsBackWhetherKestraAnswersItAsTextOrAsAJsonObject() {
        Instant horizon = Instant.parse("2026-11-20T09:50:00.5Z");
        RecentlyShipped recent = RecentlyShipped.none();
        recent.track(Map.of("file", Offset.before(horizon), "datadog", Offset.before(horizon)));
        recent.advanceHorizon(horizon);
        AuditLogRecord shipped = new AuditLogRecord("4sUsg2bJ0cGdbFOoRUBvrb", horizon.plusNanos(600_123_456_789L), "{}");
        AuditLogRecord other = new AuditLogRecord("id with \"quotes\" \u00e9", horizon.plusSeconds(2), "{}");
        recent.record("file", List.of(shipped, other));
        recent.record("datadog", List.of(shipped));
        Offset upTo = new Offset(horizon.plusSeconds(700), "z");

        for (boolean asObject : List.of(false, true)) {
            kestra.kvAsObject = asObject;
            basicStore().saveRecent(recent);
            RecentlyShipped loaded = basicStore().loadRecent();

            assertThat(loaded.toJson()).as("as object: " + asObject).isEqualTo(recent.toJson());
            assertThat(loaded.lacks("datadog", upTo, other, OffsetOrder.CODE_POINT)).isTrue();
            assertThat(loaded.lacks("datadog", upTo, shipped, OffsetOrder.CODE_POINT)).isFalse();
            assertThat(loaded.lacks("file", upTo, other, OffsetOrder.CODE_POINT)).isFalse();
        }
        assertThat(kestra.kv).containsOnlyKeys("main/company.team/kestraOffsets.recent");
    }

    @Test
    void authenticatesWithABearerToken() {
        KestraKvOffsetStore store = store(null, null, FakeKestraServer.TOKEN);
        store.save(severalExporters());

        assertThat(store.load()).isEqualTo(severalExporters());
        assertThat(kestra.requests()).extracting(r -> r.header("Authorization"))
                .containsOnly("Bearer " + FakeKestraServer.TOKEN);
    }

    @Test
    void rejectedCredentialsFailWithoutShowingTheSecret() {
        kestra.kv.put("main/company.team/kestraOffsets", severalExporters().toJson());
        String wrongPassword = "wrong-kv-password-42";
        String wrongToken = "wrong-kv-token-4242";

        KestraKvOffsetStore basic = store(FakeKestraServer.USER, wrongPassword, null);
        assertThatThrownBy(basic::load)
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("credentials")
                .hasMessageContaining(KV_PATH)
                .hasMessageNotContaining(wrongPassword)
                .hasMessageNotContaining(Base64.getEncoder().encodeToString(
                        (FakeKestraServer.USER + ":" + wrongPassword).getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> basic.save(StoredOffsets.NONE))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("401")
                .hasMessageNotContaining(wrongPassword);
        KestraKvOffsetStore bearer = store(null, null, wrongToken);
        assertThatThrownBy(bearer::load)
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("401")
                .hasMessageNotContaining(wrongToken);
        assertThatThrownBy(() -> bearer.save(StoredOffsets.NONE))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageNotContaining(wrongToken);
        assertThat(kestra.kv.get("main/company.team/kestraOffsets")).isEqualTo(severalExporters().toJson());
    }

    @Test
    void theKeyLivesUnderTheTenantAndNamespaceOfTheKvApi() {
        try (FakeKestraServer other = new FakeKestraServer("root", "root-password", null)) {
            KestraKvOffsetStore store = new KestraKvOffsetStore(new KestraApiClient(other.url(), "acme-prod", "root",
                    "root-password", null), "prod.billing.invoices", "audit_log-shipper.offsets");
            StoredOffsets offsets = severalExporters();
            store.save(offsets);
            assertThat(store.load()).isEqualTo(offsets);

            assertThat(other.requests()).extracting(Request::method, Request::path).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("PUT", "/api/v1/acme-prod/namespaces/prod.billing.invoices/kv/audit_log-shipper.offsets"),
                    org.assertj.core.groups.Tuple.tuple("GET", "/api/v1/acme-prod/namespaces/prod.billing.invoices/kv/audit_log-shipper.offsets"));
            assertThat(other.kv).containsOnlyKeys("acme-prod/prod.billing.invoices/audit_log-shipper.offsets");
            assertThat(store.describe()).contains("/api/v1/acme-prod/namespaces/prod.billing.invoices/kv/audit_log-shipper.offsets")
                    .doesNotContain("root-password");
        }
    }

    @Test
    void aValueThatIsNotExactlyOffsetsIsRefusedNamingTheKeyAndTheFixNeverReadAsNoOffset() {
        for (String value : List.of("not json at all", "", "{}", "{\"foo\":[1]}", "{\"version\":2,\"exporters\":{}}")) {
            kestra.kv.put(OFFSETS, value);

            assertThatThrownBy(() -> basicStore().load()).as(value)
                    .isInstanceOf(OffsetStoreException.class)
                    .hasMessageContaining(KV_PATH)
                    .hasMessageContaining("--set-offset");
        }
    }

    @Test
    void anUnreachableServerFailsClearly() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        KestraKvOffsetStore store = new KestraKvOffsetStore(new KestraApiClient("http://127.0.0.1:" + port, "main",
                FakeKestraServer.USER, FakeKestraServer.PASSWORD, null), "company.team", "kestraOffsets");

        assertThatThrownBy(store::load).isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("not reachable: connection refused")
                .hasMessageNotContaining(FakeKestraServer.PASSWORD);
        assertThatThrownBy(() -> store.save(StoredOffsets.NONE)).isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("not reachable");
    }

    @Test
    void otherServerErrorsAreNotMistakenForAnAbsentKey() {
        kestra.http.respondWith(r -> new io.auditshipper.support.FakeHttpIntake.Answer(500, Map.of(),
                "{\"message\":\"Internal Server Error: storage down\"}"));

        assertThatThrownBy(() -> basicStore().load()).isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("500").hasMessageContaining("storage down");
    }

    /** A store with a 60 s lease on {@code timer}: the lease's clock, read-back pause and renewals move only with it. */
    private KestraKvOffsetStore leasedStore(ManualLeaseTimer timer) {
        return new KestraKvOffsetStore(new KestraApiClient(kestra.url(), "main", FakeKestraServer.USER, FakeKestraServer.PASSWORD,
                null), "company.team", "kestraOffsets", Duration.ofSeconds(60), Duration.ofSeconds(1), timer);
    }

    private static Instant leaseExpiry(String lease) throws Exception {
        return Instant.parse(JSON.readTree(lease).get("expiresAt").asText());
    }

    private static String foreignLease(String holder, Instant expiresAt) {
        return "{\"holder\":\"" + holder + "\",\"expiresAt\":\"" + expiresAt + "\"}";
    }

    @Test
    void oneShipperAtATimeHoldsTheKeyThroughALeaseBesideTheOffsets() {
        ManualLeaseTimer timer = new ManualLeaseTimer(Instant.now());
        KestraKvOffsetStore first = leasedStore(timer);
        KestraKvOffsetStore second = leasedStore(timer);

        first.lock();
        first.save(severalExporters());

        assertThatThrownBy(second::lock).isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("another shipper holds the lease on offsetKey kestraOffsets")
                .hasMessageContaining("only one instance may ship").hasMessageNotContaining(FakeKestraServer.PASSWORD);
        assertThat(kestra.kv).containsKeys(OFFSETS, LEASE);
        first.close();
        assertThat(kestra.kv).as("released on close").containsOnlyKeys(OFFSETS);
        assertThat(timer.running()).as("the released lease is no longer renewed").isZero();
        assertThatCode(second::lock).doesNotThrowAnyException();
        assertThat(second.load()).isEqualTo(severalExporters());
        second.close();
    }

    @Test
    void theHolderRenewsItsLeaseEveryThirdOfItSoItOutlivesItsFirstExpiry() throws Exception {
        ManualLeaseTimer timer = new ManualLeaseTimer(Instant.parse("2026-11-29T10:00:00Z"));
        KestraKvOffsetStore holder = leasedStore(timer);
        holder.lock();
        Instant firstExpiry = leaseExpiry(kestra.kv.get(LEASE));

        timer.advance(Duration.ofSeconds(100));

        assertThat(timer.runs()).as("renewed 20, 40, 60, 80 and 100 s after it was read back").isEqualTo(5);
        assertThat(timer.now()).isAfter(firstExpiry);
        assertThat(leaseExpiry(kestra.kv.get(LEASE))).isEqualTo(timer.now().plusSeconds(60));
        assertThatThrownBy(leasedStore(timer)::lock).hasMessageContaining("another shipper holds the lease");
        assertThatCode(() -> holder.save(severalExporters())).doesNotThrowAnyException();
        holder.close();
    }

    @Test
    void aRenewalThatFailsIsTriedAgainAtTheNextAndTheLeaseIsKept() throws Exception {
        ManualLeaseTimer timer = new ManualLeaseTimer(Instant.parse("2026-11-29T10:00:00Z"));
        KestraKvOffsetStore holder = leasedStore(timer);
        holder.lock();
        boolean[] down = {true};
        kestra.http.respondWith(request -> down[0] && request.method().equals("PUT")
                ? new io.auditshipper.support.FakeHttpIntake.Answer(503, Map.of(), "{\"message\":\"Service Unavailable\"}")
                : kestra.answer(request));

        timer.advance(Duration.ofSeconds(20));
        Instant notRenewed = leaseExpiry(kestra.kv.get(LEASE));
        down[0] = false;
        timer.advance(Duration.ofSeconds(20));

        assertThat(notRenewed).as("the failed renewal wrote nothing").isEqualTo(Instant.parse("2026-11-29T10:01:00Z"));
        assertThat(leaseExpiry(kestra.kv.get(LEASE))).isEqualTo(timer.now().plusSeconds(60));
        assertThatCode(() -> holder.save(severalExporters())).doesNotThrowAnyException();
        holder.close();
    }

    @Test
    void theLeaseOfAShipperThatDiedExpiresAndIsTakenOver() {
        ManualLeaseTimer timer = new ManualLeaseTimer(Instant.now());
        // killed without closing: its lease stays, no longer renewed
        kestra.kv.put(LEASE, foreignLease("dead-pod/7/0bad0bad", timer.now().plusSeconds(30)));
        KestraKvOffsetStore next = leasedStore(timer);

        assertThatThrownBy(next::lock).hasMessageContaining("dead-pod/7/0bad0bad").hasMessageContaining("wait for its lease to expire");
        timer.advance(Duration.ofSeconds(31));
        next.lock();

        assertThat(kestra.kv.get(LEASE)).doesNotContain("dead-pod");
        next.close();
    }

    @Test
    void aShipperWhoseLeaseWasTakenOverWritesNoOffsets() {
        ManualLeaseTimer timer = new ManualLeaseTimer(Instant.now());
        KestraKvOffsetStore stalled = leasedStore(timer);
        stalled.lock();
        stalled.save(StoredOffsets.NONE.advance("file", new Offset(Instant.parse("2026-11-20T10:00:00Z"), "a"), OffsetOrder.CODE_POINT));
        String committed = kestra.kv.get(OFFSETS);
        // it stalled past its lease (no renewal ran) and another shipper took the key
        timer.sleep(Duration.ofSeconds(61));
        kestra.kv.put(LEASE, foreignLease("new-pod/1/5eed5eed", timer.now().plusSeconds(60)));

        assertThatThrownBy(() -> stalled.save(severalExporters())).isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("lost the lease on offsetKey kestraOffsets").hasMessageContaining("new-pod/1/5eed5eed");
        assertThatThrownBy(stalled::load).hasMessageContaining("lost the lease");
        assertThat(kestra.kv.get(OFFSETS)).isEqualTo(committed);
        timer.advance(Duration.ofSeconds(20));
        assertThat(kestra.kv.get(LEASE)).as("its renewal leaves the new holder's lease alone").contains("new-pod/1/5eed5eed");
        stalled.close();
        assertThat(kestra.kv.get(LEASE)).as("and so does its close").contains("new-pod/1/5eed5eed");
    }
}
