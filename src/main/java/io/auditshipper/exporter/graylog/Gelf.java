package io.auditshipper.exporter.graylog;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.ExporterProperties;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.ApiKeyIntake;
import io.auditshipper.exporter.http.HttpDelivery;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.HttpLogSink;
import io.auditshipper.exporter.http.RequestPacker;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * Kestra's Graylog {@code LogExporter}: GELF 1.1 ({@link GelfEncoder}) posted to a GELF HTTP input at
 * {@code endpoint} ({@code /gelf} appended when it has no path), which answers 202. Graylog documents one message
 * per POST, and newline-delimited batches only when the input's "Enable Bulk Receiving" option is on (Graylog
 * 4.3 and later, https://go2docs.graylog.org/current/getting_in_log_data/gelf_inputs.html): so one message per
 * request unless {@code bulk: true}. Gzipped ("compression is supported via the common HTTP headers") unless
 * {@code compression: NONE}. A request holds at most {@code maxRequestBytes} (65536, the input's default
 * "Max. HTTP chunk size", which bounds a request's body), and a field at most 32,000 bytes (cut with a marker),
 * under the 32,766 bytes the search engine behind Graylog keeps of a keyword.
 */
public final class Gelf {

    static final int DEFAULT_MAX_REQUEST_BYTES = 65_536;
    static final int MAX_FIELD_BYTES = 32_000;

    enum Compression { GZIP, NONE }

    private Gelf() {
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        URI endpoint = config.httpUrl("endpoint", "http://graylog.example.com:12201/gelf");
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() || endpoint.getRawPath().equals("/")
                ? "/gelf" : "";
        boolean gzip = ExporterProperties.choice(config, "compression", Compression.GZIP) == Compression.GZIP;
        boolean bulk = ExporterProperties.flag(config, "bulk", false);
        int maxBytes = ExporterProperties.positive(config, "maxRequestBytes", DEFAULT_MAX_REQUEST_BYTES, Integer.MAX_VALUE);
        GelfEncoder encoder = new GelfEncoder(config.string("graylogHost", "Kestra"), Math.min(MAX_FIELD_BYTES, Math.max(1024, maxBytes / 4)));

        Map<String, String> headers = new HashMap<>();
        if (gzip) {
            headers.put("Content-Encoding", "gzip");
        }
        DeadLetterFile deadLetters = context.deadLetters(config.id());
        HttpDelivery delivery = new HttpDelivery(config.id(), ApiKeyIntake.intakeUrl(endpoint, path), "application/json",
                headers, context, deadLetters, Gelf::fix);
        return new HttpLogExporter("Graylog GELF HTTP input" + (bulk ? " (bulk)" : ""), new HttpLogSink(new RequestPacker(
                encoder, gzip, bulk ? config.chunk() : 1, maxBytes, RequestPacker.LimitOn.UNCOMPRESSED), delivery, deadLetters));
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
