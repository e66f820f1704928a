package io.auditshipper.exporter.camel;

import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.KafkaBroker;
import io.auditshipper.support.ShipperFixture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code type: camel} exporter with a {@code kafka:} URI against a real Kafka broker (KRaft, Apache Kafka's own
 * jars) on 127.0.0.1: every audit log arrives exactly once, in messages of {@code chunk} NDJSON lines with the
 * exporter's headers; a broker that is down holds back only that exporter, which catches up once it is back.
 */
class CamelKafkaExporterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @TempDir
    Path dir;

    private static String exporter(KafkaBroker broker) {
        // Short client timeouts so that a broker that is down fails each attempt within a second.
        return "  - id: kafka\n    type: camel\n    chunk: 400\n    uri: \"kafka:kestra-audit?brokers="
                + broker.bootstrapServers() + "&maxBlockMs=1000&requestTimeoutMs=1000&deliveryTimeoutMs=2000&lingerMs=0\"\n";
    }

    private static List<String> idsIn(List<ConsumerRecord<String, String>> messages) {
        List<String> ids = new ArrayList<>();
        messages.forEach(m -> m.value().lines().map(ShipperFixture::idOf).forEach(ids::add));
        return ids;
    }

    private static String header(ConsumerRecord<String, String> message, String name) {
        return new String(message.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void everyLogArrivesOnceAndABrokerThatIsDownHoldsBackOnlyThisExporterUntilItIsBack() throws Exception {
        Path kafkaDir = Files.createDirectories(dir.resolve("kafka"));
        try (KafkaBroker broker = new KafkaBroker(kafkaDir)) {
            ShipperFixture f = new ShipperFixture("h2", dir, NOW);
            List<AuditLogTable.Row> first = new DemoAuditLogs(10).rows(1_500, NOW.minus(Duration.ofHours(3)), NOW.minus(Duration.ofHours(2)));
            f.insert(first);
            String task = f.taskWith(exporter(broker)).replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n");

            Pass up = f.runOnce(f.config(task));

            assertThat(up.allSucceeded()).as(String.valueOf(up.failures())).isTrue();
            List<ConsumerRecord<String, String>> messages = broker.readAll("kestra-audit");
            assertThat(idsIn(messages)).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(first));
            // Batches of 1000 cut into messages of at most 400: 400, 400, 200, then 400, 100.
            assertThat(messages).extracting(m -> header(m, CamelEndpointExporter.RECORD_COUNT))
                    .containsExactly("400", "400", "200", "400", "100");
            ConsumerRecord<String, String> head = messages.get(0);
            List<String> lines = head.value().lines().toList();
            assertThat(header(head, CamelEndpointExporter.EXPORTER_ID)).isEqualTo("kafka");
            assertThat(header(head, CamelEndpointExporter.FIRST_ID)).isEqualTo(ShipperFixture.idOf(lines.get(0)));
            assertThat(header(head, CamelEndpointExporter.LAST_ID)).isEqualTo(ShipperFixture.idOf(lines.get(399)));
            assertThat(header(head, CamelEndpointExporter.FIRST_TIMESTAMP)).endsWith("Z");
            assertThat(head.value()).endsWith("}\n").doesNotContain("\n\n");

            broker.kill();
            List<AuditLogTable.Row> second = new DemoAuditLogs(11).rows(700, NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(60));
            f.insert(second);
            Pass down = f.runOnce(f.config(task));

            assertThat(down.failures()).containsOnlyKeys("kafka");
            assertThat(down.failures().get("kafka")).contains("kestra-audit");
            assertThat(down.shipped("file")).isEqualTo(700);

            broker.start();
            Pass back = f.runOnce(f.config(task));

            assertThat(back.allSucceeded()).as(String.valueOf(back.failures())).isTrue();
            assertThat(back.shipped("kafka")).isEqualTo(700);
            assertThat(back.shipped("file")).isZero();
            List<AuditLogTable.Row> all = new ArrayList<>(first);
            all.addAll(second);
            assertThat(idsIn(broker.readAll("kestra-audit"))).containsExactlyElementsOf(ShipperFixture.idsInShippingOrder(all));
        }
    }
}
