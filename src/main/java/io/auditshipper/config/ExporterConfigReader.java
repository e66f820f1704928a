package io.auditshipper.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code logExporters}: each entry's id and Kestra type name, and its properties checked against the ones
 * that type takes ({@link ExporterType}), flattened to dotted names with their expressions resolved, and their
 * values checked.
 */
final class ExporterConfigReader {

    private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_-]*");

    private ExporterConfigReader() {
    }

    static List<ExporterConfig> read(Object value, String property, ConfigValues values) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            values.problem(property + ": at least one exporter is needed, e.g. - id: file, type: "
                    + ExporterType.FILE.kestraType());
            return List.of();
        }
        List<ExporterConfig> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String p = property + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> raw)) {
                values.problem(p + ": expected a map with id and type");
                continue;
            }
            Map<String, Object> entry = ConfigValues.asMap(raw);
            int problemsBefore = values.problems().size();
            String id = values.string(entry.get("id"), p + ".id", null);
            if (id == null) {
                values.problem(p + ".id: missing; give each exporter an id such as 'file'");
            } else if (!ID.matcher(id).matches()) {
                values.problem(p + ".id: '" + id + "' does not match ^[a-zA-Z0-9][a-zA-Z0-9_-]*; use letters, digits, '_' and '-'");
            } else if (!ids.add(id)) {
                values.problem(p + ".id: duplicate exporter id '" + id + "'; ids must be unique");
            }
            String typeName = values.string(entry.get("type"), p + ".type", null);
            ExporterType type = typeName == null ? null : ExporterType.ofKestraType(typeName).orElse(null);
            if (type == null) {
                values.problem(p + ".type: " + (typeName == null ? "missing" : "unknown exporter type '" + typeName + "'")
                        + "; use one of " + String.join(", ", Arrays.stream(ExporterType.values()).map(ExporterType::kestraType).toList()));
                continue;
            }
            Map<String, Object> properties = new LinkedHashMap<>();
            collect(entry, "", p, type, properties, values);
            int chunk = values.positive(entry.get("chunk"), p + ".chunk", 1000);
            ExporterConfig exporter = new ExporterConfig(id, type, chunk, properties);
            // Its property values checked together with the task's settings, so one --check lists every problem;
            // only when the entry itself read fine (an unset secret reads as blank: not "required" on top of it).
            if (values.problems().size() == problemsBefore) {
                exporter.type().problems(exporter).forEach(values::problem);
            }
            out.add(exporter);
        }
        return out;
    }

    /** Checks every property path against the type and resolves templates, flattening to dotted names. */
    private static void collect(Map<String, Object> map, String path, String p, ExporterType type, Map<String, Object> out,
                                ConfigValues values) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String name = path + e.getKey();
            if (!type.accepts(name)) {
                values.problem(p + "." + name + ": unknown property of " + type.kestraType());
            } else if (e.getValue() instanceof Map<?, ?> nested && !type.takesWhole(name)) {
                collect(ConfigValues.asMap(nested), name + ".", p, type, out, values);
            } else {
                out.put(name, values.resolveAll(e.getValue(), p + "." + name));
            }
        }
    }
}
