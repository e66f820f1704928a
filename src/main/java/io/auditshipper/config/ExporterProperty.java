package io.auditshipper.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One property of an exporter type, under Kestra's name: its Java type, its default, and what it refuses. A
 * destination's config record declares its properties as constants of this class and reads each with
 * {@link #of(ExporterConfig)}; {@link ExporterProperties} lists them for {@link ExporterType}, which checks them all
 * before the record is read ({@link #problem}). Values are read by the parsers the task's own settings use
 * ({@link ValueParser}), and refused in their one shape,
 * {@code logExporters.<id>.<name>: '<value>' is not <expected>, e.g. <name>: <example>}, the value redacted.
 *
 * @param name        the dotted path (e.g. {@code connection.basicAuth.username})
 * @param whole       whether the value is taken as a whole object or list, keys below it free
 * @param parser      the value's text to the Java value, or a refusal saying what is expected
 * @param fallback    gives the value when the property is absent (null: none); called only then
 * @param example     an example value, shown in errors; non-null with {@code required}
 * @param required    whether the exporter cannot run without it
 */
public record ExporterProperty<T>(String name, boolean whole, ValueParser<T> parser, Supplier<T> fallback, String example,
                                  boolean required) {

    public static ExporterProperty<String> text(String name) {
        return declared(name, ValueParser.text());
    }

    /**
     * Text that is a credential even when written in plain (not through {@code secret()}): masked in every output
     * from the moment it is read, as a resolved secret is.
     */
    public static ExporterProperty<String> secret(String name) {
        return declared(name, ValueParser.secret());
    }

    public static ExporterProperty<Boolean> flag(String name) {
        return declared(name, ValueParser.bool());
    }

    /** A whole number from 1 to {@code max}. */
    public static ExporterProperty<Integer> positive(String name, int max) {
        return declared(name, ValueParser.wholeNumber(1, max));
    }

    /** A positive ISO-8601 duration such as PT30S. */
    public static ExporterProperty<Duration> duration(String name) {
        return declared(name, ValueParser.duration(true));
    }

    /** One of the enum's constants, named in any case; {@code meaning} says what the choice is about. */
    public static <E extends Enum<E>> ExporterProperty<E> choice(String name, Class<E> type, String meaning) {
        return declared(name, ValueParser.choice(type, meaning));
    }

    /** An absolute http(s) URL with a host (the scheme in lower case, as the HTTP clients compare it). */
    public static ExporterProperty<URI> httpUrl(String name) {
        return declared(name, ValueParser.httpUrl());
    }

    /** Whether {@code value} is an absolute http or https URL with a host. */
    public static boolean isHttpUrl(String value) {
        try {
            ValueParser.httpUrl().parse(value);
            return true;
        } catch (ValueParser.Refused e) {
            return false;
        }
    }

    /** An absolute URL with a scheme and a host, any scheme. */
    public static ExporterProperty<URI> url(String name) {
        return declared(name, ValueParser.url());
    }

    /** A free-form map (Kestra's {@code options}, {@code headers}): keys below it are not checked. */
    public static ExporterProperty<Map<String, Object>> object(String name) {
        return new ExporterProperty<>(name, true, ValueParser.map(), Map::of, null, false);
    }

    /** A list of strings; one string is taken as a list of one. */
    public static ExporterProperty<List<String>> list(String name) {
        return new ExporterProperty<>(name, true, ValueParser.list(), List::of, null, false);
    }

    private static <T> ExporterProperty<T> declared(String name, ValueParser<T> parser) {
        return new ExporterProperty<>(name, false, parser, () -> null, null, false);
    }

    /** The same property with this default when it is absent. */
    public ExporterProperty<T> orElse(T value) {
        return new ExporterProperty<>(name, whole, parser, () -> value,
                example == null ? ValueParser.example(value) : example, false);
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

    /**
     * The same property not required on its own, its example kept: for a destination where it is one choice of
     * several (Azure Blob's application credentials), the destination's reader requiring it once chosen.
     */
    public ExporterProperty<T> optional() {
        return new ExporterProperty<>(name, whole, parser, () -> null, example, false);
    }

    /** The same property with a further check on its value ({@code expected} says what passes it). */
    public ExporterProperty<T> where(Predicate<T> check, String expected) {
        return new ExporterProperty<>(name, whole, parser.where(check, expected), fallback, example, required);
    }

    /** This property's value in the exporter's config: parsed, its default when absent, or a {@link ConfigException}. */
    public T of(ExporterConfig config) {
        T value = given(config);
        return value != null ? value : fallback.get();
    }

    /** What is wrong with this property in the exporter's config (refused, or required and absent), if anything. */
    public Optional<String> problem(ExporterConfig config) {
        try {
            given(config);
            return Optional.empty();
        } catch (ConfigException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The value given, parsed; null when absent (its default is not looked up); a {@link ConfigException} when refused. */
    private T given(ExporterConfig config) {
        Object value = valueAt(config.properties(), name);
        if (value == null || (value instanceof String s && s.isBlank())) {
            if (required) {
                throw ConfigException.inExporter(config.id(), name, "required by "
                        + config.type().kestraType() + ", e.g. " + name + ": " + example);
            }
            return null;
        }
        try {
            return parser.parse(value);
        } catch (ValueParser.Refused e) {
            throw new ConfigException(ValueParser.refusal(ConfigException.exporterPath(config.id(), name), name, value,
                    e, example));
        }
    }

    /**
     * The value at the dotted {@code name}: a flattened property, or a key inside a property taken whole (Kestra's
     * {@code options.timeout.connectTimeout} inside {@code options}, whose other keys are free).
     */
    private static Object valueAt(Map<String, Object> properties, String name) {
        if (properties.containsKey(name)) {
            return properties.get(name);
        }
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
            if (properties.get(name.substring(0, dot)) instanceof Map<?, ?> whole) {
                Object value = whole;
                for (String key : name.substring(dot + 1).split("\\.")) {
                    value = value instanceof Map<?, ?> map ? map.get(key) : null;
                }
                return value;
            }
        }
        return null;
    }
}
