package io.auditshipper.exporter.camel;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.URISupport;

import java.util.List;

/**
 * {@code type: camel}: any Camel endpoint URI as a destination ({@code kafka:...}, {@code splunk-hec:...}, or
 * {@code direct:...} into a route of the user's). Each message is {@code chunk} records as NDJSON, one compact
 * JSON record per line, with the headers below; the endpoint took it when it returns without an exception.
 * A route may set {@link #DEAD_LETTER_REASON} on its reply to park the message's records as rejected for good.
 */
public final class CamelEndpointExporter implements LogExporter {

    public static final String EXPORTER_ID = "KestraShipperExporterId";
    public static final String RECORD_COUNT = "KestraShipperRecordCount";
    public static final String FIRST_TIMESTAMP = "KestraShipperFirstTimestamp";
    public static final String FIRST_ID = "KestraShipperFirstId";
    public static final String LAST_TIMESTAMP = "KestraShipperLastTimestamp";
    public static final String LAST_ID = "KestraShipperLastId";
    public static final String DEAD_LETTER_REASON = "KestraShipperDeadLetterReason";

    private final String id;
    private final String uri;
    private final int chunk;
    private final DeadLetterFile deadLetters;
    private ProducerTemplate producer;
    /** The first records of a batch whose later messages failed: a retry of that batch does not send them twice. */
    private List<AuditLogRecord> taken = List.of();

    CamelEndpointExporter(String id, String uri, int chunk, DeadLetterFile deadLetters) {
        this.id = id;
        this.uri = uri;
        this.chunk = chunk;
        this.deadLetters = deadLetters;
    }

    public static CamelEndpointExporter from(ExporterConfig config, ExporterContext context) {
        return new CamelEndpointExporter(config.id(), CamelConfig.of(config).uri(), config.chunk(), context.deadLetters(config.id()));
    }

    @Override
    public void bind(CamelContext context) {
        producer = context.createProducerTemplate();
    }

    @Override
    public synchronized void ship(List<AuditLogRecord> records) throws Exception {
        int from = records.size() > taken.size() && records.subList(0, taken.size()).equals(taken) ? taken.size() : 0;
        for (int start = from; start < records.size(); start += chunk) {
            List<AuditLogRecord> part = records.subList(start, Math.min(records.size(), start + chunk));
            Exchange sent = producer.send(uri, exchange -> message(exchange.getIn(), part));
            if (sent.getException() != null) {
                taken = List.copyOf(records.subList(0, start));
                throw sent.getException();
            }
            String rejected = sent.getMessage().getHeader(DEAD_LETTER_REASON, String.class);
            if (rejected != null) {
                deadLetters.park(part, rejected);
            }
        }
        taken = List.of();
    }

    private void message(Message message, List<AuditLogRecord> part) {
        StringBuilder body = new StringBuilder();
        part.forEach(record -> body.append(record.json()).append('\n'));
        message.setBody(body.toString());
        message.setHeader(EXPORTER_ID, id);
        // Text, so that every endpoint carries it readably (Kafka would write an Integer as 4 raw bytes).
        message.setHeader(RECORD_COUNT, Integer.toString(part.size()));
        message.setHeader(FIRST_TIMESTAMP, part.get(0).timestamp().toString());
        message.setHeader(FIRST_ID, part.get(0).id());
        message.setHeader(LAST_TIMESTAMP, part.get(part.size() - 1).timestamp().toString());
        message.setHeader(LAST_ID, part.get(part.size() - 1).id());
    }

    @Override
    public String describe() {
        // Camel masks the options it knows to be secret (password, token, saslJaasConfig...); the banner masks the rest.
        return "Camel endpoint " + URISupport.sanitizeUri(uri) + ", " + chunk + " records per message (dead letters: "
                + deadLetters.file() + ")";
    }
}
