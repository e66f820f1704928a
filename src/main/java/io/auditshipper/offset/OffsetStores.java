package io.auditshipper.offset;

import io.auditshipper.config.OffsetStoreConfig;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.jdbc.Database;
import io.auditshipper.kestra.KestraApiClient;

/** Opens the configured offset store. */
public final class OffsetStores {

    private OffsetStores() {
    }

    public static OffsetStore open(ShipperConfig config) {
        OffsetStoreConfig store = config.offsetStore();
        return switch (store.kind()) {
            case FILE -> new FileOffsetStore(store.directory(), config.offsetKey());
            case JDBC -> new JdbcOffsetStore(new Database(store.url(), store.username(), store.password()),
                    store.table(), config.offsetKey());
            case KESTRA -> new KestraKvOffsetStore(new KestraApiClient(store.url(), store.tenant(), store.username(),
                    store.password(), store.apiToken()), store.namespace(), config.offsetKey());
        };
    }
}
