package io.auditshipper.exporter.otlp;

import com.google.protobuf.util.JsonFormat;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.HttpClientOptions;
import io.auditshipper.exporter.http.HttpDelivery;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.HttpLogSink;
import io.auditshipper.exporter.http.RequestPacker;
import io.auditshipper.model.AuditLogRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import org.apache.camel.CamelContext;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kestra's OpenTelemetry {@code LogExporter}: OTLP/HTTP to {@code otlpEndpoint} (the full
 * {@code .../v1/logs} URL), protobuf or, with {@code encoding: json}, OTLP/JSON, gzipped, with the
 * optional authorization header ({@link OtlpConfig}). A 200 whose
 * {@code partial_success} reports rejected records is final by the OTLP spec (no retry): the request's
 * records are parked in the dead-letter file with the collector's message, since the answer does not
 * say which of them were rejected.
 */
public final class OtlpLogExporter implements LogExporter {

    private final HttpLogSink sink;
    private final boolean json;

    private OtlpLogExporter(HttpLogSink sink, boolean json) {
        this.sink = sink;
        this.json = json;
    }

    public static OtlpLogExporter from(ExporterConfig config, ExporterContext context) {
        OtlpConfig settings = OtlpConfig.of(config);
        Map<String, String> headers = new HashMap<>(Map.of("Content-Encoding", "gzip"));
        if (settings.authorizationHeader() != null) {
            headers.put(settings.authorizationHeader().name(), settings.authorizationHeader().value());
        }
        boolean json = settings.encoding() == OtlpConfig.Encoding.JSON;
        DeadLetterFile deadLetters = context.deadLetters(config.id());
        HttpDelivery delivery = new HttpDelivery(config.id(), settings.otlpEndpoint().toString(),
                settings.encoding().contentType(), headers, HttpClientOptions.NONE, context, deadLetters);
        OtlpLogsEncoder encoder = new OtlpLogsEncoder(settings.serviceName(), HttpLogExporter.localHostname(), json);
        return new OtlpLogExporter(new HttpLogSink(new RequestPacker(encoder, true, config.chunk(),
                OtlpConfig.MAX_PAYLOAD_BYTES, RequestPacker.LimitOn.UNCOMPRESSED), delivery, deadLetters), json);
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws Exception {
        for (HttpDelivery.Response response : sink.ship(records)) {
            if (response.body().length == 0) {
                continue;
            }
            ExportLogsPartialSuccess partial = answer(response.body()).getPartialSuccess();
            if (partial.getRejectedLogRecords() > 0) {
                sink.deadLetters().park(response.records(), "OTLP partial success: the collector rejected "
                        + partial.getRejectedLogRecords() + " of these " + response.records().size()
                        + " records (which ones it does not say): " + partial.getErrorMessage());
            }
        }
    }

    /** The collector's answer, in the request's encoding. */
    private ExportLogsServiceResponse answer(byte[] body) throws java.io.IOException {
        if (!json) {
            return ExportLogsServiceResponse.parseFrom(body);
        }
        ExportLogsServiceResponse.Builder answer = ExportLogsServiceResponse.newBuilder();
        JsonFormat.parser().ignoringUnknownFields().merge(new String(body, java.nio.charset.StandardCharsets.UTF_8), answer);
        return answer.build();
    }

    @Override
    public void bind(CamelContext context) {
        sink.bind(context);
    }

    @Override
    public String describe() {
        return "OTLP/HTTP " + (json ? "JSON " : "protobuf ") + sink.url() + " (dead letters: " + sink.deadLetters().file() + ")";
    }
}
