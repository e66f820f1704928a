package io.auditshipper.exporter.datadog;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.OutsideWindow;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.HttpLogSink;

/**
 * Kestra's Datadog {@code LogExporter}: {@code POST <basePath>/api/v2/logs} with the {@code DD-API-KEY}
 * header and a gzipped JSON array ({@link DatadogEntryEncoder}), within Datadog's intake limits
 * ({@link DatadogConfig}). Logs outside the window Datadog keeps are dead-lettered, or with
 * {@code outsideWindow: REWRITE_TIMESTAMP} shipped with the shipping time as {@code date} and their own in
 * {@code original_date}.
 */
public final class Datadog {

    private Datadog() {
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        DatadogConfig settings = DatadogConfig.of(config);
        DatadogEntryEncoder encoder = new DatadogEntryEncoder(settings.ddsource(), settings.service(),
                settings.hostname(), settings.ddtags(), null);
        HttpLogSink sink = DatadogConfig.INTAKE.sink(config, settings.basePath(), settings.apiKey(), context,
                encoder);
        return new HttpLogExporter(DatadogConfig.INTAKE.name(), sink, OutsideWindow.of(config.id(),
                settings.outsideWindow(), context, DatadogConfig.WINDOW, sink.deadLetters()), encoder::stampedFor);
    }
}
