package io.auditshipper.exporter.graylog;

import io.auditshipper.exporter.encoding.Compression;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.ApiKeyIntake;
import io.auditshipper.exporter.http.HttpClientOptions;
import io.auditshipper.exporter.http.HttpDelivery;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.HttpLogSink;
import io.auditshipper.exporter.http.RequestPacker;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Kestra's Graylog {@code LogExporter}: GELF 1.1 ({@link GelfEncoder}) posted to a GELF HTTP input at
 * {@code endpoint} ({@code /gelf} appended when it has no path), which answers 202: one message per request unless
 * {@code bulk: true}, gzipped ("Both keep-alive and compression are supported via the common HTTP headers") unless
 * {@code compression: NONE}, a request at most {@code maxRequestBytes} and a field at most
 * {@link GelfConfig#MAX_FIELD_BYTES} (cut with a marker), see {@link GelfConfig}.
 */
public final class Gelf {

    private Gelf() {
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        GelfConfig settings = GelfConfig.of(config);
        URI endpoint = settings.endpoint();
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() || endpoint.getRawPath().equals("/")
                ? GelfConfig.INPUT_PATH : "";
        boolean gzip = settings.compression() == Compression.GZIP;
        int maxBytes = settings.maxRequestBytes();
        GelfEncoder encoder = new GelfEncoder(settings.graylogHost(),
                Math.min(GelfConfig.MAX_FIELD_BYTES, Math.max(1024, maxBytes / 4)));

        Map<String, String> headers = new HashMap<>();
        if (gzip) {
            headers.put("Content-Encoding", "gzip");
        }
        DeadLetterFile deadLetters = context.deadLetters(config.id());
        HttpDelivery delivery = new HttpDelivery(config.id(), ApiKeyIntake.intakeUrl(endpoint, path), "application/json",
                headers, HttpClientOptions.of(config), context, deadLetters, Gelf::fix);
        return new HttpLogExporter("Graylog GELF HTTP input" + (settings.bulk() ? " (bulk)" : ""), new HttpLogSink(
                new RequestPacker(encoder, gzip, settings.bulk() ? config.chunk() : 1, maxBytes,
                        RequestPacker.LimitOn.UNCOMPRESSED), delivery, deadLetters));
    }

    /** A GELF HTTP input's answers that are no record's fault. */
    static String fix(int status, String body) {
        if (status == 401 || status == 403) {
            return "the GELF HTTP input asks for an authorization header the exporter does not send (turn it off on the input)";
        }
        if (status == 404 || status == 405) {
            return "no GELF HTTP input at this URL (check the exporter's `endpoint`: the input's port, and the path /gelf)";
        }
        return null;
    }
}
