package io.auditshipper.exporter.otlp;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.HttpDelivery;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.HttpLogSink;
import io.auditshipper.model.AuditLogRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import org.apache.camel.CamelContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kestra's OpenTelemetry {@code LogExporter}: OTLP/HTTP protobuf to {@code otlpEndpoint} (the full
 * {@code .../v1/logs} URL), gzipped, with the optional authorization header. A 200 whose
 * {@code partial_success} reports rejected records is final by the OTLP spec (no retry): the request's
 * records are parked in the dead-letter file with the collector's message, since the answer does not
 * say which of them were rejected.
 */
public final class OtlpLogExporter implements LogExporter {

    static final long MAX_PAYLOAD_BYTES = 4L * 1024 * 1024;

    private final HttpLogSink sink;

    private OtlpLogExporter(HttpLogSink sink) {
        this.sink = sink;
    }

    public static OtlpLogExporter from(ExporterConfig config, ExporterContext context) {
        String endpoint = config.required("otlpEndpoint", "http://otel-collector:4318/v1/logs");
        Map<String, String> headers = new HashMap<>(Map.of("Content-Encoding", "gzip"));
        String headerName = config.string("authorizationHeaderName", null);
        String headerValue = config.string("authorizationHeaderValue", null);
        if (headerName != null && headerValue != null) {
            headers.put(headerName, headerValue);
        }
        DeadLetterFile deadLetters = new DeadLetterFile(context.deadLetterDirectory(), config.id());
        HttpDelivery delivery = new HttpDelivery(config.id(), endpoint, "application/x-protobuf", headers,
                context.retry(), deadLetters);
        OtlpLogsEncoder encoder = new OtlpLogsEncoder(config.string("serviceName", "kestra"),
                HttpLogExporter.localHostname());
        return new OtlpLogExporter(new HttpLogSink(encoder, true, config.chunk(), MAX_PAYLOAD_BYTES,
                HttpLogSink.LimitOn.UNCOMPRESSED, delivery, deadLetters));
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws Exception {
        for (HttpDelivery.Response response : sink.ship(records)) {
            if (response.body().length == 0) {
                continue;
            }
            ExportLogsPartialSuccess partial = ExportLogsServiceResponse.parseFrom(response.body()).getPartialSuccess();
            if (partial.getRejectedLogRecords() > 0) {
                sink.deadLetters().park(response.records(), "OTLP partial success: the collector rejected "
                        + partial.getRejectedLogRecords() + " of these " + response.records().size()
                        + " records (which ones it does not say): " + partial.getErrorMessage());
            }
        }
    }

    @Override
    public void bind(CamelContext context) {
        sink.bind(context);
    }

    @Override
    public String describe() {
        return "OTLP/HTTP protobuf " + sink.url() + " (dead letters: " + sink.deadLetters().file() + ")";
    }
}
