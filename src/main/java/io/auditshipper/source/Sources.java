package io.auditshipper.source;

import io.auditshipper.config.ShipperConfig;

/** Opens the configured source. */
public final class Sources {

    private Sources() {
    }

    public static AuditLogSource open(ShipperConfig config) {
        AuditLogFilter filter = new AuditLogFilter(config.resources(), config.namespace(), config.types(),
                config.excludeTypes());
        return switch (config.source().kind()) {
            case JDBC -> new JdbcAuditLogSource(config.source(), filter);
            case KESTRA -> new KestraApiAuditLogSource(config.source(), filter, config.retry(), java.time.Clock.systemUTC(),
                    io.auditshipper.exporter.retry.Sleeper.THREAD);
        };
    }
}
