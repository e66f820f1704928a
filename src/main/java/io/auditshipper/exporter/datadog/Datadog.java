package io.auditshipper.exporter.datadog;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.ApiKeyIntake;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.RequestPacker;

/**
 * Kestra's Datadog {@code LogExporter}: {@code POST <basePath>/api/v2/logs} with the {@code DD-API-KEY}
 * header and a gzipped JSON array ({@link DatadogEntryEncoder}), within Datadog's intake limits: 1000
 * entries and 5 MB uncompressed per request.
 */
public final class Datadog {

    static final ApiKeyIntake INTAKE = new ApiKeyIntake("Datadog logs intake", "/api/v2/logs", "DD-API-KEY",
            "https://http-intake.logs.datadoghq.eu", "DATADOG_API_KEY", 1000, 5L * 1024 * 1024,
            RequestPacker.LimitOn.UNCOMPRESSED);

    private Datadog() {
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        return INTAKE.exporter(config, context, new DatadogEntryEncoder(config.string("ddsource", "kestra"),
                config.string("service", "kestra"), config.string("hostname", HttpLogExporter.localHostname()),
                config.string("ddtags", null)));
    }
}
