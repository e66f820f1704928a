package io.auditshipper.exporter.newrelic;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.ApiKeyIntake;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.http.RequestPacker;

/**
 * Kestra's New Relic {@code LogExporter}: {@code POST <basePath>/log/v1} with the {@code Api-Key} header
 * and a gzipped detailed payload ({@link NewRelicPayloadEncoder}) of at most 1 MB compressed, New Relic's
 * limit per payload.
 */
public final class NewRelic {

    static final ApiKeyIntake INTAKE = new ApiKeyIntake("New Relic Log API", "/log/v1", "Api-Key",
            "https://log-api.newrelic.com", "NEWRELIC_API_KEY", Integer.MAX_VALUE, 1_000_000,
            RequestPacker.LimitOn.COMPRESSED);

    private NewRelic() {
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        return INTAKE.exporter(config, context, new NewRelicPayloadEncoder(config.string("service", "kestra"),
                config.string("hostname", HttpLogExporter.localHostname())));
    }
}
