package io.auditshipper.exporter.http;

import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared body of the HTTP exporters (Datadog, New Relic, OTLP): pack the batch into requests within
 * the destination's limits ({@link RequestPacker}), deliver them one after the other, park what cannot be sent.
 * A vendor exporter supplies only its encoder, its limits and its {@link HttpDelivery}.
 */
public final class HttpLogSink {

    private final RequestPacker packer;
    private final HttpDelivery delivery;
    private final DeadLetterFile deadLetters;

    public HttpLogSink(RequestPacker packer, HttpDelivery delivery, DeadLetterFile deadLetters) {
        this.packer = packer;
        this.delivery = delivery;
        this.deadLetters = deadLetters;
    }

    public void bind(CamelContext context) {
        delivery.bind(context);
    }

    /** Ships the records; the destination's accepted answers, for exporters that read them (OTLP partial success). */
    public List<HttpDelivery.Response> ship(List<AuditLogRecord> records) throws Exception {
        return ship(records, packer);
    }

    /** Ships the records packed by {@code packer} (this sink's limits with a batch's own encoder, see {@link RequestPacker#encodingWith}). */
    public List<HttpDelivery.Response> ship(List<AuditLogRecord> records, RequestPacker packer) throws Exception {
        List<HttpDelivery.Response> answers = new ArrayList<>();
        for (LogRequest request : packer.pack(records, (record, bytes) -> deadLetters.park(List.of(record),
                "record alone is " + bytes + " bytes, over the destination's limit of " + packer.maxBodyBytes() + " per request"))) {
            // A part of a refused request is built by the packer too: encoded (and gzipped) as the request was.
            answers.addAll(delivery.deliver(request, packer::part));
        }
        return answers;
    }

    public RequestPacker packer() {
        return packer;
    }

    public DeadLetterFile deadLetters() {
        return deadLetters;
    }

    public String url() {
        return delivery.url();
    }
}
