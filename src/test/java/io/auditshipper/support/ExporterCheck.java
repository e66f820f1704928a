package io.auditshipper.support;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.ExporterFactory;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.RetryBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;

/** What {@code --check} does with one exporter's config: builds it, a ConfigException being the refusal it prints. */
public final class ExporterCheck {

    private ExporterCheck() {
    }

    public static LogExporter create(ExporterConfig config, Path deadLetters) {
        return ExporterFactory.create(config, new ExporterContext(deadLetters, new RetryBudget(RetryConfig.DEFAULT),
                new SimpleMeterRegistry()));
    }
}
