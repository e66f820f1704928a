package io.auditshipper.config;

/**
 * Where audit logs are read from. {@code JDBC}: Kestra's backend database (embedded H2 by default,
 * PostgreSQL in production), a table after Kestra's JDBC pattern. {@code KESTRA}: the Kestra EE REST API.
 */
public record SourceConfig(Kind kind, String url, String username, String password, String apiToken,
                           String tenant, String table, Columns columns, int pageSize, boolean createTable) {

    public enum Kind { JDBC, KESTRA }

    /** Column names of the audit log table; Kestra's JDBC tables quote lower-case names. */
    public record Columns(String key, String value, String timestamp, String namespace, String resource,
                          String tenant) {
        public static final Columns DEFAULT =
                new Columns("key", "value", "timestamp", "namespace", "resource", "tenant_id");
    }
}
