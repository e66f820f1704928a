package io.auditshipper.config;

import java.nio.file.Path;

/**
 * Where the offsets are kept under {@code offsetKey}: a local directory (atomic rename, fsync), a JDBC
 * table, or the Kestra KV store of a namespace.
 */
public record OffsetStoreConfig(Kind kind, Path directory, String url, String username, String password,
                                String apiToken, String tenant, String namespace, String table) {

    public enum Kind { FILE, JDBC, KESTRA }
}
