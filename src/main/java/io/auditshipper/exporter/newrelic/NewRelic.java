package io.auditshipper.exporter.newrelic;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.HttpDelivery;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.HttpLogSink;

import java.util.Map;

/**
 * Kestra's New Relic {@code LogExporter}: {@code POST <basePath>/log/v1} with the {@code Api-Key} header
 * and a gzipped detailed payload ({@link NewRelicPayloadEncoder}) of at most 1 MB compressed, New Relic's
 * limit per payload.
 */
public final class NewRelic {

    static final long MAX_COMPRESSED_PAYLOAD_BYTES = 1_000_000;

    private NewRelic() {
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        String basePath = config.required("basePath", "https://log-api.newrelic.com");
        String apiKey = config.required("apiKey", "\"{{ secret('NEWRELIC_API_KEY') }}\"");
        DeadLetterFile deadLetters = new DeadLetterFile(context.deadLetterDirectory(), config.id());
        HttpDelivery delivery = new HttpDelivery(config.id(), basePath.replaceAll("/+$", "") + "/log/v1",
                "application/json", Map.of("Api-Key", apiKey, "Content-Encoding", "gzip"), context.retry(), deadLetters);
        NewRelicPayloadEncoder encoder = new NewRelicPayloadEncoder(config.string("service", "kestra"),
                config.string("hostname", HttpLogExporter.localHostname()));
        return new HttpLogExporter("New Relic Log API", new HttpLogSink(encoder, true, config.chunk(),
                MAX_COMPRESSED_PAYLOAD_BYTES, HttpLogSink.LimitOn.COMPRESSED, delivery, deadLetters));
    }
}
