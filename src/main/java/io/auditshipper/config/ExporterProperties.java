package io.auditshipper.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The properties an exporter type takes under Kestra's names, each declared once as an {@link ExporterProperty}
 * by the destination's config record or by a group several destinations share (credentials, object naming),
 * so that {@code ExporterConfigReader} refuses a name no exporter of the type reads.
 */
public record ExporterProperties(List<ExporterProperty<?>> list) {

    /** The given properties and the properties of the given groups, in order. */
    public static ExporterProperties of(Object... propertiesAndGroups) {
        List<ExporterProperty<?>> all = new ArrayList<>();
        for (Object item : propertiesAndGroups) {
            if (item instanceof ExporterProperty<?> property) {
                all.add(property);
            } else if (item instanceof ExporterProperties group) {
                all.addAll(group.list);
            } else {
                throw new IllegalArgumentException("not a property or a group of them: " + item);
            }
        }
        return new ExporterProperties(List.copyOf(all));
    }

    /**
     * Whether the dotted path is one of these properties, below one taken whole (a free-form map such as
     * {@code options}), or a map on the way to one (e.g. {@code connection} for {@code connection.basicAuth.username}).
     */
    public boolean accepts(String path) {
        return list.stream().anyMatch(p -> p.name().equals(path)
                || (p.whole() && path.startsWith(p.name() + "."))
                || p.name().startsWith(path + "."));
    }

    /**
     * What is wrong with these properties in the exporter's config, every refused value and every required one
     * absent, so that one check lists them all; defaults are not looked up.
     */
    public List<String> problems(ExporterConfig config) {
        return list.stream().flatMap(p -> p.problem(config).stream()).distinct().toList();
    }

    /** Whether {@code path} is a property itself (its value, even a map, is its parser's to take or refuse), not a map on the way to one. */
    public boolean takesWhole(String path) {
        return list.stream().anyMatch(p -> p.name().equals(path));
    }
}
