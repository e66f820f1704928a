package io.auditshipper.support;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.ExporterFactory;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.RetryBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What {@code --check} does with one exporter's config: builds it, a ConfigException being the refusal it prints. */
public final class ExporterCheck {

    private ExporterCheck() {
    }

    /** An exporter's config: {@code properties} with {@code changes} over them (a blank value reads as absent). */
    public static ExporterConfig config(String id, ExporterType type, Map<String, Object> properties,
                                        Map<String, Object> changes) {
        Map<String, Object> merged = new HashMap<>(properties);
        merged.putAll(changes);
        return new ExporterConfig(id, type, 1000, merged);
    }

    public static LogExporter create(ExporterConfig config, Path deadLetters) {
        return ExporterFactory.create(config, new ExporterContext(deadLetters, new RetryBudget(RetryConfig.DEFAULT),
                new SimpleMeterRegistry()));
    }
}
