package io.auditshipper.exporter.http;

import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.OutsideWindow;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Function;

/**
 * An exporter that is an {@link HttpLogSink} and nothing more (Datadog, New Relic), optionally behind the
 * destination's time window: the batch is admitted by {@link OutsideWindow} and encoded by the encoder made for it.
 */
public final class HttpLogExporter implements LogExporter {

    private final String destination;
    private final HttpLogSink sink;
    private final OutsideWindow window;
    private final Function<OutsideWindow.Batch, RequestEncoder> encoderFor;

    public HttpLogExporter(String destination, HttpLogSink sink) {
        this(destination, sink, null, null);
    }

    public HttpLogExporter(String destination, HttpLogSink sink, OutsideWindow window,
                           Function<OutsideWindow.Batch, RequestEncoder> encoderFor) {
        this.destination = destination;
        this.sink = sink;
        this.window = window;
        this.encoderFor = encoderFor;
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
        if (window == null) {
            sink.ship(records);
            return;
        }
        OutsideWindow.Batch batch = window.admit(records);
        sink.ship(batch.records(), sink.packer().encodingWith(encoderFor.apply(batch)));
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
