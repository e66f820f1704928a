package io.auditshipper.exporter.http;

import io.auditshipper.exporter.LogExporter;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** An exporter that is an {@link HttpLogSink} and nothing more (Datadog, New Relic). */
public final class HttpLogExporter implements LogExporter {

    private final String destination;
    private final HttpLogSink sink;

    public HttpLogExporter(String destination, HttpLogSink sink) {
        this.destination = destination;
        this.sink = sink;
    }

    /** The host name sent with the logs when the exporter does not set one. */
    public static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "kestra-audit-shipper";
        }
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws Exception {
        sink.ship(records);
    }

    @Override
    public void bind(CamelContext context) {
        sink.bind(context);
    }

    @Override
    public String describe() {
        return destination + " " + sink.url() + " (dead letters: " + sink.deadLetters().file() + ")";
    }
}
