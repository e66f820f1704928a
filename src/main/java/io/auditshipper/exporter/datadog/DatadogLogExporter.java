package io.auditshipper.exporter.datadog;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.HttpDelivery;
import io.auditshipper.exporter.http.HttpLogSink;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * Kestra's Datadog {@code LogExporter}: {@code POST <basePath>/api/v2/logs} with the {@code DD-API-KEY}
 * header and a gzipped JSON array ({@link DatadogEntryEncoder}), within Datadog's intake limits: 1000
 * entries and 5 MB uncompressed per request.
 */
public final class DatadogLogExporter implements LogExporter {

    static final int MAX_ENTRIES = 1000;
    static final long MAX_PAYLOAD_BYTES = 5L * 1024 * 1024;

    private final HttpLogSink sink;

    private DatadogLogExporter(HttpLogSink sink) {
        this.sink = sink;
    }

    public static DatadogLogExporter from(ExporterConfig config, ExporterContext context) {
        String basePath = config.string("basePath", null);
        String apiKey = config.string("apiKey", null);
        if (basePath == null || apiKey == null || apiKey.isBlank()) {
            throw new ConfigException("logExporters." + config.id() + ": basePath and apiKey are required, e.g."
                    + " basePath: https://http-intake.logs.datadoghq.eu and apiKey: \"{{ secret('DATADOG_API_KEY') }}\"");
        }
        DeadLetterFile deadLetters = new DeadLetterFile(context.deadLetterDirectory(), config.id());
        HttpDelivery delivery = new HttpDelivery(config.id(), basePath.replaceAll("/+$", "") + "/api/v2/logs",
                "application/json", Map.of("DD-API-KEY", apiKey, "Content-Encoding", "gzip"), context.retry(), deadLetters);
        DatadogEntryEncoder encoder = new DatadogEntryEncoder(config.string("ddsource", "kestra"),
                config.string("service", "kestra"), config.string("hostname", localHostname()), config.string("ddtags", null));
        return new DatadogLogExporter(new HttpLogSink(encoder, true, Math.min(config.chunk(), MAX_ENTRIES),
                MAX_PAYLOAD_BYTES, HttpLogSink.LimitOn.UNCOMPRESSED, delivery, deadLetters));
    }

    private static String localHostname() {
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
        return "Datadog logs intake " + sink.url() + " (dead letters: " + sink.deadLetters().file() + ")";
    }
}
