package io.auditshipper.exporter.syslog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Syslog exporter through the whole pipeline against a real rsyslogd on 127.0.0.1, over UDP, TCP and TLS: every
 * log received once, each line an RFC 5424 message holding CEF whose escaping round-trips (values with {@code |},
 * {@code =}, {@code \}, line breaks, non-ASCII), and TLS refusing a certificate it cannot trust.
 */
class SyslogExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NASTY_USER = "ann|admin=root\\x\nline2\rend é日本🙂";
    private static final String NASTY_NAMESPACE = "ns=a|b\\c\nd";
    private static final String NASTY_TYPE = "UPDATE|\\x";

    private static Path serverDir;
    private static TestCa ca;
    private static Rsyslog rsyslog;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRsyslog() throws Exception {
        serverDir = Files.createTempDirectory("rsyslog-test");
        ca = TestCa.create(serverDir.resolve("tls"));
        rsyslog = new Rsyslog(serverDir, ca);
    }

    @AfterAll
    static void stopRsyslog() throws Exception {
        rsyslog.close();
    }

    /** Demo rows, every tenth with values CEF must escape, in the header and in the extension. */
    private static List<AuditLogTable.Row> rows(int count, long seed) throws Exception {
        List<AuditLogTable.Row> rows = new ArrayList<>();
        int i = 0;
        for (AuditLogTable.Row row : new DemoAuditLogs(seed).rows(count, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(30))) {
            if (i++ % 10 == 0) {
                ObjectNode log = (ObjectNode) JSON.readTree(row.log().json());
                log.put("userId", NASTY_USER);
                log.put("type", NASTY_TYPE);
                ((ObjectNode) log.path("detail")).put("namespace", NASTY_NAMESPACE);
                row = new AuditLogTable.Row(new AuditLogRecord(row.log().id(), row.log().timestamp(), log.toString()),
                        "main", row.namespace(), row.resource());
            }
            rows.add(row);
        }
        return rows;
    }

    private Pass ship(ShipperFixture f, String protocol, int port, String extra) throws Exception {
        return f.runOnce(f.config(f.taskWith("  - id: syslog\n    type: io.kestra.plugin.ee.syslog.LogExporter\n"
                + "    host: 127.0.0.1\n    port: " + port + "\n    protocol: " + protocol + "\n" + extra)));
    }

    /** Every log once, each line CEF with the log's values round-tripping. */
    private void assertReceivedOnce(String input, List<AuditLogTable.Row> rows) throws Exception {
        Set<String> ids = rows.stream().map(r -> r.log().id()).collect(Collectors.toSet());
        List<CefLine> lines = rsyslog.await(input, line -> ids.stream().anyMatch(line::contains), rows.size()).stream()
                .map(CefLine::parse).toList();
        assertThat(lines.stream().map(l -> l.extension().get("externalId")).toList())
                .as(rsyslog.output()).hasSize(rows.size()).containsExactlyInAnyOrderElementsOf(ids);
        Map<String, CefLine> byId = lines.stream().collect(Collectors.toMap(l -> l.extension().get("externalId"), Function.identity()));
        for (AuditLogTable.Row row : rows) {
            var log = JSON.readTree(row.log().json());
            CefLine line = byId.get(row.log().id());
            assertThat(line.appName()).isEqualTo("kestra");
            assertThat(line.msgId()).isEqualTo("audit");
            assertThat(line.pri() / 8).as("facility: log audit").isEqualTo(13);
            assertThat(line.timestamp()).isEqualTo(row.log().timestamp().toString().replaceAll("(\\.\\d{3})Z$", "$1000Z")
                    .replaceAll(":(\\d\\d)Z$", ":$1.000000Z"));
            assertThat(line.header().subList(0, 3)).containsExactly("0", "Kestra", "Kestra");
            assertThat(line.header().get(4)).isEqualTo(log.path("type").asText());
            assertThat(line.header().get(5)).isEqualTo(log.path("type").asText() + " " + log.path("detail").path("resourceType").asText());
            Map<String, String> ext = line.extension();
            assertThat(ext.get("rt")).isEqualTo(String.valueOf(row.log().timestamp().toEpochMilli()));
            assertThat(ext.get("act")).isEqualTo(log.path("type").asText());
            assertThat(ext.get("suser")).isEqualTo(log.path("userId").asText());
            assertThat(ext.get("src")).isEqualTo(log.path("ipAddress").asText());
            assertThat(ext.get("cs1")).isEqualTo(log.path("detail").path("namespace").asText());
            assertThat(ext.get("cs1Label")).isEqualTo("namespace");
            assertThat(ext.get("cs4")).isEqualTo("main");
            assertThat(JSON.readTree(ext.get("msg"))).isEqualTo(log.path("detail"));
        }
        assertThat(byId.values()).anySatisfy(l -> assertThat(l.extension().get("suser")).isEqualTo(NASTY_USER));
    }

    @Test
    void overUdpEveryLogArrivesOnceAsCefWithTheEscapingRoundTripping() throws Exception {
        List<AuditLogTable.Row> rows = rows(300, 81);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        Pass pass = ship(f, "UDP", rsyslog.udpPort, "");

        assertThat(pass.allSucceeded()).isTrue();
        assertReceivedOnce("udp", rows);
    }

    @Test
    void overTcpWithOctetCountingEveryLogArrivesOnceAcrossBatchesAndPasses() throws Exception {
        // In shipping order, so that the second pass's logs come after the first pass's offset.
        List<AuditLogTable.Row> rows = rows(2_500, 82).stream().sorted(java.util.Comparator.comparing(
                (AuditLogTable.Row r) -> r.log().offset(), io.auditshipper.model.OffsetOrder.CODE_POINT)).toList();
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows.subList(0, 1_500));

        Pass first = ship(f, "TCP", rsyslog.tcpPort, "");
        f.insert(rows.subList(1_500, rows.size()));
        Pass second = ship(f, "TCP", rsyslog.tcpPort, "");

        assertThat(first.allSucceeded()).isTrue();
        assertThat(second.allSucceeded()).isTrue();
        assertReceivedOnce("tcp", rows);
    }

    @Test
    void overTlsWithTheCaInTheTrustStoreEveryLogArrivesOnce() throws Exception {
        List<AuditLogTable.Row> rows = rows(1_200, 83);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        Pass pass = ship(f, "TLS", rsyslog.tlsPort, "    trustStorePath: \"" + ca.trustStore() + "\"\n"
                + "    trustStoreType: PKCS12\n    trustStorePassword: " + TestCa.PASSWORD + "\n");

        assertThat(pass.allSucceeded()).isTrue();
        assertReceivedOnce("tls", rows);
    }

    @Test
    void overTlsAnUntrustedCertificateStopsTheExporterAtOnceUnlessSkipCertVerification() throws Exception {
        List<AuditLogTable.Row> rows = rows(100, 84);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);

        long start = System.nanoTime();
        Pass refused = ship(f, "TLS", rsyslog.tlsPort, "");

        assertThat(refused.failures()).containsOnlyKeys("syslog");
        assertThat(refused.failures().get("syslog")).contains("TLS handshake").contains("trustStorePath")
                .contains("skipCertVerification");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not retried").isLessThan(Duration.ofSeconds(5));
        assertThat(f.shippedIds("file")).hasSize(100);
        Set<String> ids = new HashSet<>(rows.stream().map(r -> r.log().id()).toList());
        assertThat(rsyslog.lines("tls")).noneMatch(line -> ids.stream().anyMatch(line::contains));

        Pass skipped = ship(f, "TLS", rsyslog.tlsPort, "    skipCertVerification: true\n");

        assertThat(skipped.allSucceeded()).isTrue();
        assertThat(skipped.shipped("file")).isZero();
        assertReceivedOnce("tls", rows);
    }

    @Test
    void aCollectorThatIsDownFailsOnlyTheSyslogExporterAfterItsRetries() throws Exception {
        List<AuditLogTable.Row> rows = rows(50, 85);
        ShipperFixture f = ShipperFixture.h2With(dir, NOW, rows);
        int closedPort;
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }

        Pass down = ship(f, "TCP", closedPort, "    connectionTimeout: PT1S\n");

        assertThat(down.failures()).containsOnlyKeys("syslog");
        assertThat(down.failures().get("syslog")).contains("127.0.0.1:" + closedPort);
        assertThat(f.retryWaits.waits()).as("the wait before the catch-up, then the task's three retries, on the backoff's schedule")
                .hasSize(4);
        assertThat(f.shippedIds("file")).hasSize(50);
        Pass up = ship(f, "TCP", rsyslog.tcpPort, "");
        assertThat(up.allSucceeded()).isTrue();
        assertReceivedOnce("tcp", rows);
    }
}
