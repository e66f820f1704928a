package io.auditshipper.exporter.newrelic;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;

/**
 * Kestra's New Relic {@code LogExporter}: {@code POST <basePath>/log/v1} with the {@code Api-Key} header
 * and a gzipped detailed payload ({@link NewRelicPayloadEncoder}) within New Relic's limit per payload
 * ({@link NewRelicConfig}).
 */
public final class NewRelic {

    private NewRelic() {
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        NewRelicConfig settings = NewRelicConfig.of(config);
        return NewRelicConfig.INTAKE.exporter(config, settings.basePath(), settings.apiKey(), context,
                new NewRelicPayloadEncoder(settings.service(), settings.hostname()));
    }
}
