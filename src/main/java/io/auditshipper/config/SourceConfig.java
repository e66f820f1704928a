package io.auditshipper.config;

import java.time.Duration;

/**
 * Where audit logs are read from. {@code JDBC}: Kestra's backend database (embedded H2 by default,
 * PostgreSQL in production), a table after Kestra's JDBC pattern. {@code KESTRA}: the Kestra EE REST API, with
 * the time allowed to connect to it and for each request.
 */
public record SourceConfig(Kind kind, String url, String username, String password, String apiToken,
                           String tenant, String table, Columns columns, int pageSize, boolean createTable,
                           Duration connectTimeout, Duration requestTimeout, ApiVersion apiVersion) {

    public enum Kind { JDBC, KESTRA }

    /**
     * The generation of the Kestra API the kestra source speaks: {@code V1} the 1.x search parameters, {@code V2} the
     * 2.x {@code filters}, {@code AUTO} the one the server's version ({@code GET /api/v1/configs}) says.
     */
    public enum ApiVersion { AUTO, V1, V2 }

    public SourceConfig {
        apiVersion = apiVersion == null ? ApiVersion.AUTO : apiVersion;
    }

    /** With the API generation found from the server. */
    public SourceConfig(Kind kind, String url, String username, String password, String apiToken, String tenant,
                        String table, Columns columns, int pageSize, boolean createTable, Duration connectTimeout,
                        Duration requestTimeout) {
        this(kind, url, username, password, apiToken, tenant, table, columns, pageSize, createTable, connectTimeout,
                requestTimeout, ApiVersion.AUTO);
    }

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** With the default timeouts. */
    public SourceConfig(Kind kind, String url, String username, String password, String apiToken, String tenant,
                        String table, Columns columns, int pageSize, boolean createTable) {
        this(kind, url, username, password, apiToken, tenant, table, columns, pageSize, createTable,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, ApiVersion.AUTO);
    }

    /** Column names of the audit log table; Kestra's JDBC tables quote lower-case names. */
    public record Columns(String key, String value, String timestamp, String namespace, String resource,
                          String tenant) {
        public static final Columns DEFAULT =
                new Columns("key", "value", "timestamp", "namespace", "resource", "tenant_id");
    }
}
