package io.auditshipper.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the task's {@code offsetStore}: a directory (the default beside a database source), a JDBC table, or the
 * Kestra KV store (the default beside the Kestra API source). A store of the source's kind takes the source's
 * address and credentials unless given its own.
 */
final class OffsetStoreConfigReader {

    private static final Set<String> PROPERTIES = Set.of("type", "directory", "url", "username", "password", "apiToken",
            "tenant", "namespace", "table");

    private OffsetStoreConfigReader() {
    }

    static OffsetStoreConfig read(Object value, String p, SourceConfig source, String flowNamespace, ConfigValues values) {
        ConfigValues.Section s = values.section(value, p, PROPERTIES);
        OffsetStoreConfig.Kind k = values.read(s.string("type", null), p + ".type", ValueParser.choice(
                OffsetStoreConfig.Kind.class, "where the offsets are kept: a directory, a database table or the Kestra KV store"),
                source.kind() == SourceConfig.Kind.KESTRA ? OffsetStoreConfig.Kind.KESTRA : OffsetStoreConfig.Kind.FILE);
        boolean inherits = (k == OffsetStoreConfig.Kind.JDBC && source.kind() == SourceConfig.Kind.JDBC)
                || (k == OffsetStoreConfig.Kind.KESTRA && source.kind() == SourceConfig.Kind.KESTRA);
        String url = s.string("url", inherits ? source.url() : null);
        if (url == null && k != OffsetStoreConfig.Kind.FILE) {
            values.problem(p + ".url: missing; the " + k.name().toLowerCase(Locale.ROOT) + " offset store needs the address of its store");
        } else if (s.raw("url") != null && k == OffsetStoreConfig.Kind.KESTRA) {
            // Checked only: the source and the store keep the URL as given.
            values.read(url, p + ".url", ValueParser.httpUrl(), null, "http://localhost:8080");
        }
        String namespace = s.string("namespace", flowNamespace == null ? "system" : flowNamespace);
        return new OffsetStoreConfig(k, Path.of(s.string("directory", "./state")), url,
                s.string("username", inherits ? source.username() : null),
                s.string("password", inherits ? source.password() : null),
                s.string("apiToken", inherits ? source.apiToken() : null),
                s.string("tenant", source.tenant()), namespace, s.string("table", "audit_shipper_offsets"));
    }
}
