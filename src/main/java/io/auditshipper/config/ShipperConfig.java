package io.auditshipper.config;

import java.time.Duration;
import java.util.List;

/**
 * The AuditLogShipper task as this shipper runs it: Kestra's properties ({@code resources},
 * {@code lookbackPeriod}, {@code offsetKey}, {@code namespace}, {@code delete}, {@code logExporters}, {@code types}, {@code excludeTypes})
 * and the shipper's own ({@code source}, {@code offsetStore}, {@code schedule}, {@code settleDelay}, {@code lateArrivalWindow},
 * {@code chunk}, {@code backoff}, {@code deadLetterDirectory}, {@code verifyBeforeDelete}).
 */
public record ShipperConfig(
        String flowNamespace,
        List<String> resources,
        Duration lookbackPeriod,
        String offsetKey,
        String namespace,
        boolean delete,
        List<ExporterConfig> exporters,
        SourceConfig source,
        OffsetStoreConfig offsetStore,
        String quartzCron,
        Duration settleDelay,
        Duration lateArrivalWindow,
        int chunk,
        RetryConfig retry,
        java.nio.file.Path deadLetterDirectory,
        List<String> types,
        List<String> excludeTypes,
        boolean verifyBeforeDelete) {

    public ShipperConfig {
        types = types == null ? List.of() : List.copyOf(types);
        excludeTypes = excludeTypes == null ? List.of() : List.copyOf(excludeTypes);
    }
}
