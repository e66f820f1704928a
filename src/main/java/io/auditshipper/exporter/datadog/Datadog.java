package io.auditshipper.exporter.datadog;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.OutsideWindow;
import io.auditshipper.exporter.TimeWindow;
import io.auditshipper.exporter.http.ApiKeyIntake;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.HttpLogSink;
import io.auditshipper.exporter.http.RequestPacker;

import java.time.Duration;

/**
 * Kestra's Datadog {@code LogExporter}: {@code POST <basePath>/api/v2/logs} with the {@code DD-API-KEY}
 * header and a gzipped JSON array ({@link DatadogEntryEncoder}), within Datadog's intake limits: 1000
 * entries and 5 MB uncompressed per request. Logs outside the window Datadog keeps ({@link #WINDOW}) are
 * dead-lettered, or with {@code outsideWindow: REWRITE_TIMESTAMP} shipped with the shipping time as {@code date}
 * and their own in {@code original_date}.
 */
public final class Datadog {

    static final ApiKeyIntake INTAKE = new ApiKeyIntake("Datadog logs intake", "/api/v2/logs", "DD-API-KEY",
            "https://http-intake.logs.datadoghq.eu", "DATADOG_API_KEY", 1000, 5L * 1024 * 1024,
            RequestPacker.LimitOn.UNCOMPRESSED);

    /**
     * Datadog answers 202 for a log dated outside this window, then drops it: "Log events can be submitted with a
     * timestamp that is up to 18 hours in the past" (https://docs.datadoghq.com/api/latest/logs/#send-logs), and
     * "up to 18 hours in the past and two hours in the future"
     * (https://docs.datadoghq.com/logs/log_configuration/processors/log_date_remapper/).
     */
    static final Duration MAX_AGE = Duration.ofHours(18);
    static final Duration MAX_AHEAD = Duration.ofHours(2);
    static final TimeWindow WINDOW = new TimeWindow("Datadog", MAX_AGE, MAX_AHEAD);

    private Datadog() {
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        DatadogEntryEncoder encoder = new DatadogEntryEncoder(config.string("ddsource", "kestra"),
                config.string("service", "kestra"), config.string("hostname", HttpLogExporter.localHostname()),
                config.string("ddtags", null), null);
        HttpLogSink sink = INTAKE.sink(config, context, encoder);
        return new HttpLogExporter(INTAKE.name(), sink, OutsideWindow.from(config, context, WINDOW, sink.deadLetters()),
                encoder::stampedFor);
    }
}
