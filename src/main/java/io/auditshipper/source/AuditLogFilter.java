package io.auditshipper.source;

import java.util.List;

/**
 * The task's filters: audit resource types (empty = all), a namespace (with its children; null = all), and audit
 * actions, the AuditLog's {@code type} ({@code READ}, {@code CREATE}, ...): {@code types} to keep (empty = all)
 * and {@code excludeTypes} to leave out.
 */
public record AuditLogFilter(List<String> resources, String namespace, List<String> types, List<String> excludeTypes) {

    public AuditLogFilter {
        resources = resources == null ? List.of() : List.copyOf(resources);
        types = types == null ? List.of() : List.copyOf(types);
        excludeTypes = excludeTypes == null ? List.of() : List.copyOf(excludeTypes);
    }

    /** Without action filters. */
    public AuditLogFilter(List<String> resources, String namespace) {
        this(resources, namespace, List.of(), List.of());
    }

    /** Whether a log of this action (null when it has none) is selected by {@code types} and {@code excludeTypes}. */
    public boolean selectsType(String type) {
        return (types.isEmpty() || types.contains(type)) && (type == null || !excludeTypes.contains(type));
    }

    public boolean filtersTypes() {
        return !types.isEmpty() || !excludeTypes.isEmpty();
    }
}
