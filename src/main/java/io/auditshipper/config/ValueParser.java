package io.auditshipper.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns one configuration value into its Java value, or refuses it saying what is expected instead: the one set of
 * parsers behind the task's own settings ({@link ConfigValues}) and the exporters' properties
 * ({@link ExporterProperty}), so that the same kind of value is read and refused alike wherever it is set. Every
 * refusal has one shape, {@link #refusal}: {@code <path>: '<value>' is not <expected>, e.g. <name>: <example>}.
 */
@FunctionalInterface
public interface ValueParser<T> {

    T parse(Object value) throws Refused;

    /** A value a parser refuses, with what it expects instead (e.g. "a whole number from 1 to 10"). */
    final class Refused extends Exception {
        public Refused(String expected) {
            super(expected, null, false, false);
        }
    }

    /**
     * The one wording of a refused value: the property's path, the value (secrets redacted), what is expected and,
     * when there is one, an example as the user would write it under the property's {@code name}.
     */
    static String refusal(String path, String name, Object value, Refused refused, String example) {
        return path + ": '" + SecretRedactor.redact(String.valueOf(value)) + "' is not " + refused.getMessage()
                + (example == null ? "" : ", e.g. " + name + ": " + example);
    }

    /** A default as the user would write it: a whole number of days as {@code P1D}, a whole double without {@code .0}. */
    static String example(Object value) {
        if (value instanceof Duration d && !d.isZero() && d.toSeconds() % 86_400 == 0 && d.toNanosPart() == 0) {
            return "P" + d.toDays() + "D";
        }
        if (value instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        return value == null ? null : String.valueOf(value);
    }

    /** This parser with a further check on its value ({@code expected} says what passes it). */
    default ValueParser<T> where(Predicate<T> check, String expected) {
        return value -> {
            T parsed = parse(value);
            if (!check.test(parsed)) {
                throw new Refused(expected);
            }
            return parsed;
        };
    }

    /** A single value as text (a number or a boolean as written); a map or a list is refused. */
    static ValueParser<String> text() {
        return value -> {
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                throw new Refused("a single value");
            }
            return value.toString();
        };
    }

    /** {@link #text()} registered with {@link SecretRedactor} as it is read: a credential given in plain. */
    static ValueParser<String> secret() {
        return value -> {
            String secret = text().parse(value);
            SecretRedactor.register(secret);
            return secret;
        };
    }

    /** {@code true} or {@code false}, in any case. */
    static ValueParser<Boolean> bool() {
        return value -> switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new Refused("true or false");
        };
    }

    /** A whole number from {@code min} to {@code max}. */
    static ValueParser<Integer> wholeNumber(int min, int max) {
        String expected = max < Integer.MAX_VALUE ? "a whole number from " + min + " to " + max
                : min == 0 ? "a whole number of 0 or more" : "a whole number above " + (min - 1);
        return value -> {
            try {
                int number = Integer.parseInt(value.toString().trim());
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new Refused(expected);
        };
    }

    /** A number Java reads ({@code 2}, {@code 1.5}) of at least {@code min}. */
    static ValueParser<Double> atLeast(double min) {
        return value -> {
            try {
                double number = Double.parseDouble(value.toString().trim());
                if (number >= min) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new Refused("a number of at least " + example(min));
        };
    }

    /** An ISO-8601 duration such as PT30S: above zero (a timeout), or else zero allowed (a delay). */
    static ValueParser<Duration> duration(boolean aboveZero) {
        return value -> {
            try {
                Duration duration = Duration.parse(value.toString().trim());
                if (!duration.isNegative() && !(aboveZero && duration.isZero())) {
                    return duration;
                }
            } catch (DateTimeParseException e) {
                // refused below
            }
            throw new Refused(aboveZero ? "a positive ISO-8601 duration" : "an ISO-8601 duration of 0 or more");
        };
    }

    /** One of the enum's constants, named in any case; {@code meaning} says what the choice is about. */
    static <E extends Enum<E>> ValueParser<E> choice(Class<E> type, String meaning) {
        E[] constants = type.getEnumConstants();
        String allowed = "one of " + Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(", "))
                + (meaning == null ? "" : " (" + meaning + ")");
        return value -> Arrays.stream(constants).filter(c -> c.name().equalsIgnoreCase(value.toString().trim()))
                .findFirst().orElseThrow(() -> new Refused(allowed));
    }

    /** An absolute http(s) URL with a host (the scheme in lower case, as the HTTP clients compare it). */
    static ValueParser<URI> httpUrl() {
        return value -> {
            URI uri = uri(value);
            if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new Refused("an http(s) URL with a host");
            }
            return uri;
        };
    }

    /** An absolute URL with a scheme and a host, any scheme. */
    static ValueParser<URI> url() {
        return value -> {
            URI uri = uri(value);
            if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
                throw new Refused("a URL with a scheme and a host");
            }
            return uri;
        };
    }

    /** A free-form map (Kestra's {@code options}, {@code headers}): keys below it are not checked. */
    static ValueParser<Map<String, Object>> map() {
        return value -> {
            if (value instanceof Map<?, ?> map) {
                return ConfigValues.asMap(map);
            }
            throw new Refused("a map of keys to values");
        };
    }

    /** A list of strings; one string is taken as a list of one. */
    static ValueParser<List<String>> list() {
        return value -> {
            if (value instanceof List<?> items) {
                return items.stream().map(String::valueOf).toList();
            }
            if (value instanceof Map<?, ?>) {
                throw new Refused("a list of strings");
            }
            return List.of(value.toString());
        };
    }

    private static URI uri(Object value) {
        try {
            return new URI(value.toString().trim());
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
