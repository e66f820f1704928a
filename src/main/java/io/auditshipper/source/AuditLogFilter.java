package io.auditshipper.source;

import java.util.List;

/** The task's filters: audit resource types (empty = all) and a namespace (with its children; null = all). */
public record AuditLogFilter(List<String> resources, String namespace) {

    public AuditLogFilter {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }
}
