package io.auditshipper.exporter.datadog;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.HttpDelivery;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.HttpLogSink;

import java.util.Map;

/**
 * Kestra's Datadog {@code LogExporter}: {@code POST <basePath>/api/v2/logs} with the {@code DD-API-KEY}
 * header and a gzipped JSON array ({@link DatadogEntryEncoder}), within Datadog's intake limits: 1000
 * entries and 5 MB uncompressed per request.
 */
public final class Datadog {

    static final int MAX_ENTRIES = 1000;
    static final long MAX_PAYLOAD_BYTES = 5L * 1024 * 1024;

    private Datadog() {
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        String basePath = config.required("basePath", "https://http-intake.logs.datadoghq.eu");
        String apiKey = config.required("apiKey", "\"{{ secret('DATADOG_API_KEY') }}\"");
        DeadLetterFile deadLetters = new DeadLetterFile(context.deadLetterDirectory(), config.id());
        HttpDelivery delivery = new HttpDelivery(config.id(), basePath.replaceAll("/+$", "") + "/api/v2/logs",
                "application/json", Map.of("DD-API-KEY", apiKey, "Content-Encoding", "gzip"), context.retry(), deadLetters);
        DatadogEntryEncoder encoder = new DatadogEntryEncoder(config.string("ddsource", "kestra"),
                config.string("service", "kestra"), config.string("hostname", HttpLogExporter.localHostname()),
                config.string("ddtags", null));
        return new HttpLogExporter("Datadog logs intake", new HttpLogSink(encoder, true,
                Math.min(config.chunk(), MAX_ENTRIES), MAX_PAYLOAD_BYTES, HttpLogSink.LimitOn.UNCOMPRESSED, delivery, deadLetters));
    }
}
