package io.auditshipper.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One property of an exporter type, under Kestra's name: its Java type, its default, and what it refuses. A
 * destination's config record declares its properties as constants of this class and reads each with
 * {@link #of(ExporterConfig)}; {@link ExporterProperties} lists them for {@link ExporterType}. Every refusal is
 * the same shape, {@code logExporters.<id>.<name>: '<value>' is not <expected>, e.g. <example>}, the value redacted.
 *
 * @param name        the dotted path (e.g. {@code connection.basicAuth.username})
 * @param whole       whether the value is taken as a whole object or list, keys below it free
 * @param parser      the value's text to the Java value, or a {@link Refused} saying what is expected
 * @param fallback    gives the value when the property is absent (null: none); called only then
 * @param example     an example value, shown in errors; non-null with {@code required}
 * @param required    whether the exporter cannot run without it
 */
public record ExporterProperty<T>(String name, boolean whole, Parser<T> parser, Supplier<T> fallback, String example,
                                  boolean required) {

    /** Turns a property's value into its Java value. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(Object value) throws Refused;
    }

    /** A value a parser refuses, with what it expects instead (e.g. "a whole number from 1 to 10"). */
    public static final class Refused extends Exception {
        public Refused(String expected) {
            super(expected, null, false, false);
        }
    }

    public static ExporterProperty<String> text(String name) {
        return new ExporterProperty<>(name, false, Object::toString, () -> null, null, false);
    }

    public static ExporterProperty<Boolean> flag(String name) {
        return new ExporterProperty<>(name, false, value -> switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Refused("true or false");
        }, () -> null, null, false);
    }

    /** A whole number from 1 to {@code max}. */
    public static ExporterProperty<Integer> positive(String name, int max) {
        return new ExporterProperty<>(name, false, value -> {
            try {
                int number = Integer.parseInt(value.toString().trim());
                if (number > 0 && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new Refused("a whole number from 1 to " + max);
        }, () -> null, null, false);
    }

    /** A positive ISO-8601 duration such as PT30S. */
    public static ExporterProperty<Duration> duration(String name) {
        return new ExporterProperty<>(name, false, value -> {
            try {
                Duration duration = Duration.parse(value.toString().trim());
                if (!duration.isNegative() && !duration.isZero()) {
                    return duration;
                }
            } catch (DateTimeParseException e) {
                // refused below
            }
            throw new Refused("a positive ISO-8601 duration");
        }, () -> null, null, false);
    }

    /** One of the enum's constants, named in any case; {@code meaning} says what the choice is about. */
    public static <E extends Enum<E>> ExporterProperty<E> choice(String name, Class<E> type, String meaning) {
        E[] constants = type.getEnumConstants();
        String allowed = "one of " + Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(", "))
                + (meaning == null ? "" : " (" + meaning + ")");
        return new ExporterProperty<>(name, false, value -> Arrays.stream(constants)
                .filter(c -> c.name().equalsIgnoreCase(value.toString().trim())).findFirst()
                .orElseThrow(() -> new Refused(allowed)), () -> null, null, false);
    }

    /** An absolute http(s) URL with a host (the scheme in lower case, as the HTTP clients compare it). */
    public static ExporterProperty<URI> httpUrl(String name) {
        return new ExporterProperty<>(name, false, value -> {
            if (!isHttpUrl(value.toString().trim())) {
                throw new Refused("an http(s) URL with a host");
            }
            return URI.create(value.toString().trim());
        }, () -> null, null, false);
    }

    /** Whether {@code value} is an absolute http or https URL with a host. */
    public static boolean isHttpUrl(String value) {
        URI uri = uri(value);
        return uri != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    }

    /** An absolute URL with a scheme and a host, any scheme. */
    public static ExporterProperty<URI> url(String name) {
        return new ExporterProperty<>(name, false, value -> {
            URI uri = uri(value);
            if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
                throw new Refused("a URL with a scheme and a host");
            }
            return uri;
        }, () -> null, null, false);
    }

    /** A free-form map (Kestra's {@code options}, {@code headers}): keys below it are not checked. */
    public static ExporterProperty<Map<String, Object>> object(String name) {
        return new ExporterProperty<>(name, true, value -> {
            if (value instanceof Map<?, ?> map) {
                return ConfigValues.asMap(map);
            }
            throw new Refused("a map of keys to values");
        }, Map::of, null, false);
    }

    /** A list of strings; one string is taken as a list of one. */
    public static ExporterProperty<List<String>> list(String name) {
        return new ExporterProperty<>(name, true, value -> {
            if (value instanceof List<?> items) {
                return items.stream().map(String::valueOf).toList();
            }
            if (value instanceof Map<?, ?>) {
                throw new Refused("a list of strings");
            }
            return List.of(value.toString());
        }, List::of, null, false);
    }

    /** The same property with this default when it is absent. */
    public ExporterProperty<T> orElse(T value) {
        return new ExporterProperty<>(name, whole, parser, () -> value, example == null ? String.valueOf(value) : example, false);
    }

    /**
     * The same property with a default found when it is needed (e.g. the shipper's host name, which a DNS lookup
     * gives): not when the property is declared, and not at all when the value is given.
     */
    public ExporterProperty<T> orElseGet(Supplier<T> value) {
        return new ExporterProperty<>(name, whole, parser, value, example, false);
    }

    /** The same property, refused when absent or blank; {@code example} is shown in the error. */
    public ExporterProperty<T> required(String example) {
        return new ExporterProperty<>(name, whole, parser, () -> null, example, true);
    }

    /** The same property with a further check on its value ({@code expected} says what passes it). */
    public ExporterProperty<T> where(java.util.function.Predicate<T> check, String expected) {
        Parser<T> inner = parser;
        return new ExporterProperty<>(name, whole, value -> {
            T parsed = inner.parse(value);
            if (!check.test(parsed)) {
                throw new Refused(expected);
            }
            return parsed;
        }, fallback, example, required);
    }

    /** This property's value in the exporter's config: parsed, its default when absent, or a {@link ConfigException}. */
    public T of(ExporterConfig config) {
        Object value = config.properties().get(name);
        if (value == null || (value instanceof String s && s.isBlank())) {
            if (required) {
                throw ConfigException.inExporter(config.id(), name, "required by "
                        + config.type().kestraType() + ", e.g. " + name + ": " + example);
            }
            return fallback.get();
        }
        try {
            return parser.parse(value);
        } catch (Refused e) {
            throw ConfigException.inExporter(config.id(), name, "'"
                    + SecretRedactor.redact(String.valueOf(value)) + "' is not " + e.getMessage()
                    + (example == null ? "" : ", e.g. " + name + ": " + example));
        }
    }

    private static URI uri(Object value) {
        try {
            return new URI(value.toString().trim());
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
