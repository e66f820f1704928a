package io.auditshipper.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the values of one configuration file, collecting every problem (the property's path and the fix)
 * instead of stopping at the first, so that one run of {@code --check} lists them all. A value that cannot be
 * read is a problem and the fallback is used, so that the rest can still be checked. Values are read by the
 * parsers the exporters' properties use ({@link ValueParser}), and refused in the same words.
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

    /**
     * The value as {@code parser} reads it ({@link ValueParser}, the parsers of the exporters' properties too), or
     * {@code fallback} when absent; a refused value is a problem in the one refusal shape, its example the fallback,
     * and the fallback is used.
     */
    <T> T read(Object value, String property, ValueParser<T> parser, T fallback) {
        return read(value, property, parser, fallback, ValueParser.example(fallback));
    }

    /** As {@link #read(Object, String, ValueParser, Object)}, with {@code example} shown when refused. */
    <T> T read(Object value, String property, ValueParser<T> parser, T fallback, String example) {
        if (value == null) {
            return fallback;
        }
        try {
            return parser.parse(value);
        } catch (ValueParser.Refused e) {
            problems.add(ValueParser.refusal(property, property.substring(property.lastIndexOf('.') + 1), value, e, example));
            return fallback;
        }
    }

    /** A single value, its expressions resolved once the flow's variables are known. */
    String string(Object value, String property, String fallback) {
        String text = read(value, property, ValueParser.text(), null, fallback);
        if (text == null) {
            return fallback;
        }
        return templates == null ? text : templates.resolve(text, property);
    }

    boolean bool(Object value, String property, boolean fallback) {
        return read(value, property, ValueParser.bool(), fallback);
    }

    int positive(Object value, String property, int fallback) {
        return read(value, property, ValueParser.wholeNumber(1, Integer.MAX_VALUE), fallback);
    }

    int nonNegative(Object value, String property, int fallback) {
        return read(value, property, ValueParser.wholeNumber(0, Integer.MAX_VALUE), fallback);
    }

    /** At least {@code min}; a number Java reads ({@code 2}, {@code 1.5}). */
    double atLeast(Object value, String property, double min, double fallback) {
        return read(value, property, ValueParser.atLeast(min), fallback);
    }

    /** A duration of zero or more (a delay, a window). */
    Duration duration(Object value, String property, Duration fallback) {
        return read(value, property, ValueParser.duration(false), fallback);
    }

    /** A duration above zero (a timeout). */
    Duration positiveDuration(Object value, String property, Duration fallback) {
        return read(value, property, ValueParser.duration(true), fallback);
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
