package io.auditshipper.pipeline;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.ExporterFactory;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.camel.CamelEndpointExporter;
import io.auditshipper.observe.ShipperMeters;
import io.auditshipper.support.RecordingSleeper;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Batch;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.offset.RecentlyShipped;
import io.auditshipper.offset.StoredOffsets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in exporter routes (exporters.yaml: the exporter-failure configuration and the processor-exporter
 * template) with a {@code type: camel} exporter in front of a user route, as the shipper wires them: the user-route
 * contract (NDJSON body, headers, acknowledgement, drops counted as shipped, retries, dead letters).
 */
class ExporterRoutesTest extends CamelTestSupport {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final String USER_ROUTE = """
            - route:
                id: my-filter
                from:
                  uri: direct:my-filter
                  steps:
                    # Messages holding a debug log are dropped on purpose.
                    - filter:
                        simple: "${body} not contains 'debug'"
                        steps:
                          - to: mock:destination
            """;

    @TempDir
    static Path dir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RecordingSleeper retryWaits = new RecordingSleeper();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        RetryBudget budget = new RetryBudget(new RetryConfig(2, Duration.ofMillis(1), 2, Duration.ofMillis(5)));
        LogExporter exporter = ExporterFactory.create(new ExporterConfig("siem", ExporterType.CAMEL, 2,
                Map.of("uri", "direct:my-filter")), new ExporterContext(dir, budget, meters, Clock.systemUTC(), retryWaits));
        context.getRegistry().bind("exporterInbox", new ExporterInbox(Clock.systemUTC()));
        context.getRegistry().bind("exporter-siem", exporter);
        PluginHelper.getRoutesLoader(context).loadRoutes(
                PluginHelper.getResourceLoader(context).resolveResource("classpath:routes/exporters.yaml"),
                ResourceHelper.fromString("my-filter.yaml", USER_ROUTE));
        exporter.bind(context);
        context.addRouteFromTemplate("export-siem", "processor-exporter", Map.of("exporterId", "siem"));
        return context;
    }

    private ExportResult ship(List<AuditLogRecord> records) {
        Batch batch = new Batch(records);
        Pass pass = new Pass(NOW, NOW, List.of("siem"), Set.of("siem"),
                new StoredOffsets(Map.of("siem", Offset.before(NOW.minus(Duration.ofHours(1))))), OffsetOrder.UTF16,
                RecentlyShipped.none());
        return template.send("direct:export-siem", exchange -> {
            exchange.setProperty(ExporterInbox.BATCH, batch);
            exchange.setProperty(PassPlanner.PASS, pass);
        }).getMessage().getBody(ExportResult.class);
    }

    private static List<AuditLogRecord> logs(String... words) {
        return java.util.stream.IntStream.range(0, words.length).mapToObj(i -> new AuditLogRecord("id" + i,
                NOW.minusSeconds(60 - i), "{\"id\":\"id" + i + "\",\"type\":\"" + words[i] + "\"}")).toList();
    }

    @Test
    void eachMessageIsChunkRecordsAsNdjsonWithHeadersAndADroppedOneCountsAsShipped() throws Exception {
        MockEndpoint destination = getMockEndpoint("mock:destination");
        destination.expectedBodiesReceived("{\"id\":\"id0\",\"type\":\"CREATE\"}\n{\"id\":\"id1\",\"type\":\"READ\"}\n",
                "{\"id\":\"id4\",\"type\":\"UPDATE\"}\n");
        destination.message(0).header(CamelEndpointExporter.EXPORTER_ID).isEqualTo("siem");
        destination.message(0).header(CamelEndpointExporter.RECORD_COUNT).isEqualTo("2");
        destination.message(0).header(CamelEndpointExporter.FIRST_ID).isEqualTo("id0");
        destination.message(0).header(CamelEndpointExporter.FIRST_TIMESTAMP).isEqualTo("2026-11-20T11:59:00Z");
        destination.message(0).header(CamelEndpointExporter.LAST_ID).isEqualTo("id1");
        destination.message(0).header(CamelEndpointExporter.LAST_TIMESTAMP).isEqualTo("2026-11-20T11:59:01Z");
        List<AuditLogRecord> records = logs("CREATE", "READ", "debug", "DELETE", "UPDATE");

        ExportResult result = ship(records);

        destination.assertIsSatisfied();
        assertThat(result.error()).isNull();
        assertThat(result.shipped()).as("the route acknowledged the message it dropped").isEqualTo(5);
        assertThat(result.upTo()).isEqualTo(records.get(4).offset());
    }

    @Test
    void aFailingMessageIsRetriedAloneAndAfterTheRetriesTheBatchIsNotAcknowledged() throws Exception {
        MockEndpoint destination = getMockEndpoint("mock:destination");
        destination.whenAnyExchangeReceived(exchange -> {
            if ("id2".equals(exchange.getMessage().getHeader(CamelEndpointExporter.FIRST_ID))) {
                throw new IllegalStateException("the destination is down");
            }
        });

        ExportResult result = ship(logs("CREATE", "READ", "UPDATE", "DELETE"));

        assertThat(result.error()).contains("IllegalStateException: the destination is down");
        assertThat(result.upTo()).isNull();
        assertThat(ShipperMeters.retries(meters, "siem").count()).isEqualTo(2);
        assertThat(retryWaits.waits()).hasSize(2);
        // The first message once; the second on the first try and on each of the two retries.
        assertThat(destination.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader(CamelEndpointExporter.FIRST_ID))
                .containsExactly("id0", "id2", "id2", "id2");
    }

    @Test
    void aRouteParksTheRecordsItRejectsForGoodByNamingTheReason() throws Exception {
        MockEndpoint destination = getMockEndpoint("mock:destination");
        destination.whenAnyExchangeReceived(exchange -> {
            if (exchange.getMessage().getBody(String.class).contains("READ")) {
                exchange.getMessage().setHeader(CamelEndpointExporter.DEAD_LETTER_REASON, "no READ logs here");
            }
        });

        ExportResult result = ship(logs("CREATE", "READ", "UPDATE", "DELETE"));

        assertThat(result.error()).isNull();
        List<String> parked = Files.readAllLines(dir.resolve("siem.ndjson"));
        assertThat(parked).hasSize(2).allMatch(line -> line.contains("no READ logs here"));
        assertThat(parked.get(1)).contains("\"id\":\"id1\"");
    }
}
