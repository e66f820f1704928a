package io.auditshipper.exporter.http;

import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared body of the HTTP exporters (Datadog, New Relic, OTLP): cut the batch into requests within
 * the destination's limits, gzip them, deliver them one after the other, park what cannot be sent.
 * A vendor exporter supplies only its encoder, its limits and its {@link HttpDelivery}.
 */
public final class HttpLogSink {

    /** Whether the destination's size limit counts the body before or after gzip. */
    public enum LimitOn { UNCOMPRESSED, COMPRESSED }

    private final RequestEncoder encoder;
    private final boolean gzip;
    private final LimitOn limitOn;
    private final RequestSplitter splitter;
    private final HttpDelivery delivery;
    private final DeadLetterFile deadLetters;
    private final long maxBodyBytes;

    public HttpLogSink(RequestEncoder encoder, boolean gzip, int maxRecords, long maxBodyBytes, LimitOn limitOn,
                       HttpDelivery delivery, DeadLetterFile deadLetters) {
        this.encoder = encoder;
        this.gzip = gzip;
        this.limitOn = limitOn;
        this.maxBodyBytes = maxBodyBytes;
        this.splitter = new RequestSplitter(gzip && limitOn == LimitOn.COMPRESSED ? this::encodeAsSent : encoder,
                maxRecords, maxBodyBytes);
        this.delivery = delivery;
        this.deadLetters = deadLetters;
    }

    private byte[] encodeAsSent(List<AuditLogRecord> records) throws java.io.IOException {
        byte[] body = encoder.encode(records);
        return gzip ? Gzip.compress(body) : body;
    }

    private LogRequest asSent(LogRequest request) throws java.io.IOException {
        return gzip && limitOn == LimitOn.UNCOMPRESSED ? new LogRequest(request.records(), Gzip.compress(request.body())) : request;
    }

    public void bind(CamelContext context) {
        delivery.bind(context);
    }

    /** Ships the records; the destination's accepted answers, for exporters that read them (OTLP partial success). */
    public List<HttpDelivery.Response> ship(List<AuditLogRecord> records) throws Exception {
        List<HttpDelivery.Response> answers = new ArrayList<>();
        for (LogRequest request : splitter.split(records, (record, bytes) -> deadLetters.park(List.of(record),
                "record alone is " + bytes + " bytes, over the destination's limit of " + maxBodyBytes + " per request"))) {
            // A half of a refused request is encoded (and gzipped) exactly as the request itself was.
            answers.addAll(delivery.deliver(asSent(request), part -> new LogRequest(part, encodeAsSent(part))));
        }
        return answers;
    }

    public DeadLetterFile deadLetters() {
        return deadLetters;
    }

    public String url() {
        return delivery.url();
    }
}
