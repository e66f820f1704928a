package io.auditshipper.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the values of one configuration file, collecting every problem (the property's path and the fix)
 * instead of stopping at the first, so that one run of {@code --check} lists them all. A value that cannot be
 * read is a problem and the fallback is used, so that the rest can still be checked.
 */
final class ConfigValues {

    private final List<String> problems = new ArrayList<>();
    private TemplateResolver templates;

    /** Once the flow's variables are known: from then on every value read has its expressions resolved. */
    void resolveWith(TemplateResolver templates) {
        this.templates = templates;
    }

    void problem(String problem) {
        problems.add(problem);
    }

    List<String> problems() {
        return problems;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    String string(Object value, String property, String fallback) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Map || value instanceof List) {
            problems.add(property + ": expected a single value, not " + (value instanceof Map ? "a map" : "a list"));
            return fallback;
        }
        return templates == null ? value.toString() : templates.resolve(value.toString(), property);
    }

    boolean bool(Object value, String property, boolean fallback) {
        if (value == null) {
            return fallback;
        }
        String s = value.toString();
        if (!s.equals("true") && !s.equals("false")) {
            problems.add(property + ": '" + s + "' is not a boolean; write true or false");
            return fallback;
        }
        return Boolean.parseBoolean(s);
    }

    int positive(Object value, String property, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.toString());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(property + ": '" + value + "' must be a whole number above 0, e.g. " + fallback);
        return fallback;
    }

    int nonNegative(Object value, String property, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.toString());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(property + ": '" + value + "' must be a whole number of 0 or more");
        return fallback;
    }

    /** At least {@code min}; a number Java reads ({@code 2}, {@code 1.5}). */
    double atLeast(Object value, String property, double min, double fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            double n = Double.parseDouble(value.toString());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(property + ": '" + value + "' must be a number of at least " + (long) min + ", e.g. "
                + (fallback == Math.rint(fallback) ? Long.toString((long) fallback) : Double.toString(fallback)));
        return fallback;
    }

    Duration duration(Object value, String property, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            Duration d = Duration.parse(value.toString());
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException ignored) {
            // reported below
        }
        problems.add(property + ": '" + value + "' is not an ISO-8601 duration of 0 or more; write e.g. P1D, PT12H or PT5S");
        return fallback;
    }

    /** A duration above zero (a timeout). */
    Duration positiveDuration(Object value, String property, Duration fallback) {
        Duration d = duration(value, property, fallback);
        if (d.isZero()) {
            problems.add(property + ": must be more than zero, e.g. " + fallback);
            return fallback;
        }
        return d;
    }

    /** A list of names out of {@code known}: resource types, audit actions. */
    List<String> names(Object value, String property, Set<String> known, String what, String example) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problems.add(property + ": expected a list of " + what + "s, e.g. " + example);
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object item : list) {
            String name = String.valueOf(item);
            if (!known.contains(name)) {
                problems.add(property + ": unknown " + what + " '" + name + "'; use one of "
                        + String.join(", ", known.stream().sorted().toList()));
            } else {
                out.add(name);
            }
        }
        return out;
    }

    /** The value with the expressions in every string of it resolved, lists and maps included. */
    Object resolveAll(Object value, String property) {
        if (value instanceof String s) {
            return templates.resolve(s, property);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                out.add(resolveAll(list.get(i), property + "[" + i + "]"));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            asMap(map).forEach((k, v) -> out.put(k, resolveAll(v, property + "." + k)));
            return out;
        }
        return value;
    }

    /** A map of the shipper's own settings at {@code path}, its keys checked against {@code known}. */
    Section section(Object value, String path, Set<String> known) {
        return new Section(value, path, known);
    }

    final class Section {
        private final Map<String, Object> values;
        private final String path;

        private Section(Object value, String path, Set<String> known) {
            this.path = path;
            if (value == null) {
                values = Map.of();
            } else if (value instanceof Map<?, ?> map) {
                values = asMap(map);
                for (String key : values.keySet()) {
                    if (!known.contains(key)) {
                        problems.add(path + "." + key + ": unknown property; " + path + " takes "
                                + String.join(", ", known.stream().sorted().toList()));
                    }
                }
            } else {
                problems.add(path + ": expected a map");
                values = Map.of();
            }
        }

        Object raw(String key) {
            return values.get(key);
        }

        String path(String key) {
            return path + "." + key;
        }

        String string(String key, String fallback) {
            return ConfigValues.this.string(values.get(key), path(key), fallback);
        }

        int positive(String key, int fallback) {
            return ConfigValues.this.positive(values.get(key), path(key), fallback);
        }

        int nonNegative(String key, int fallback) {
            return ConfigValues.this.nonNegative(values.get(key), path(key), fallback);
        }

        boolean bool(String key, boolean fallback) {
            return ConfigValues.this.bool(values.get(key), path(key), fallback);
        }

        Duration duration(String key, Duration fallback) {
            return ConfigValues.this.duration(values.get(key), path(key), fallback);
        }

        Duration positiveDuration(String key, Duration fallback) {
            return ConfigValues.this.positiveDuration(values.get(key), path(key), fallback);
        }
    }
}
