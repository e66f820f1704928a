package io.auditshipper.support;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.ExporterFactory;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.model.AuditLogRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** What an exporter is given while it shares the pass's stream of batches with "file": one attempt, 1 s to connect. */
    public static ExporterContext sharingTheStream(String exporterId, Path deadLetters) {
        RetryBudget budget = new RetryBudget(RetryConfig.DEFAULT);
        budget.markSharing(Set.of(exporterId, "file"));
        return new ExporterContext(deadLetters, budget, new SimpleMeterRegistry());
    }

    /** Ten demo audit logs of the hour before {@code now}, in shipping order. */
    public static List<AuditLogRecord> tenLogs(int seed, Instant now) {
        return ShipperFixture.inShippingOrder(new DemoAuditLogs(seed).rows(10, now.minus(Duration.ofHours(1)), now.minusSeconds(30)));
    }

    public static LogExporter create(ExporterConfig config, Path deadLetters) {
        return ExporterFactory.create(config, new ExporterContext(deadLetters, new RetryBudget(RetryConfig.DEFAULT),
                new SimpleMeterRegistry()));
    }
}
