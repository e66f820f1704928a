package io.auditshipper.config;

import java.util.Set;

/** Reads the task's {@code source}: the backend database (jdbc, the default) or the Kestra API. */
final class SourceConfigReader {

    private static final Set<String> PROPERTIES = Set.of("type", "url", "username", "password", "apiToken", "tenant",
            "table", "columns", "pageSize", "createTable", "connectTimeout", "requestTimeout", "apiVersion");

    private SourceConfigReader() {
    }

    static SourceConfig read(Object value, String p, ConfigValues values) {
        ConfigValues.Section s = values.section(value, p, PROPERTIES);
        SourceConfig.Kind k = values.read(s.string("type", null), p + ".type", ValueParser.choice(SourceConfig.Kind.class,
                "where the audit logs are read: the backend database or the Kestra API"), SourceConfig.Kind.JDBC);
        String url = s.string("url", k == SourceConfig.Kind.JDBC ? "jdbc:h2:file:./data/audit-logs" : null);
        if (url == null) {
            values.problem(p + ".url: missing; give the Kestra server's address, e.g. http://localhost:8080");
        } else if (k == SourceConfig.Kind.JDBC && !url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            values.problem(p + ".url: '" + url + "' is neither an H2 (jdbc:h2:...) nor a PostgreSQL (jdbc:postgresql:...) URL");
        } else if (k == SourceConfig.Kind.KESTRA) {
            // Checked only: the source and the store keep the URL as given.
            values.read(url, p + ".url", ValueParser.httpUrl(), null, "http://localhost:8080");
        }
        SourceConfig.ApiVersion api = values.read(s.string("apiVersion", null), p + ".apiVersion",
                ValueParser.choice(SourceConfig.ApiVersion.class, "the Kestra API generation: AUTO found from the server,"
                        + " V1 for Kestra 1.x, V2 for Kestra 2.x"), SourceConfig.ApiVersion.AUTO);
        return new SourceConfig(k, url, s.string("username", null), s.string("password", null),
                s.string("apiToken", null), s.string("tenant", "main"), s.string("table", "audit_logs"),
                columns(s.raw("columns"), p + ".columns", values), s.positive("pageSize", 5000),
                s.bool("createTable", url != null && url.startsWith("jdbc:h2:")),
                s.positiveDuration("connectTimeout", SourceConfig.DEFAULT_CONNECT_TIMEOUT),
                s.positiveDuration("requestTimeout", SourceConfig.DEFAULT_REQUEST_TIMEOUT),
                api);
    }

    private static SourceConfig.Columns columns(Object value, String p, ConfigValues values) {
        SourceConfig.Columns d = SourceConfig.Columns.DEFAULT;
        ConfigValues.Section s = values.section(value, p, Set.of("key", "value", "timestamp", "namespace", "resource", "tenant"));
        return new SourceConfig.Columns(s.string("key", d.key()), s.string("value", d.value()),
                s.string("timestamp", d.timestamp()), s.string("namespace", d.namespace()),
                s.string("resource", d.resource()), s.string("tenant", d.tenant()));
    }
}
