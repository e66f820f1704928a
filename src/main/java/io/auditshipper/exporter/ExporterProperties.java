package io.auditshipper.exporter;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;

/** Typed exporter properties, refused up front (at {@code --check} too) with the property's path and an example. */
public final class ExporterProperties {

    private ExporterProperties() {
    }

    public static boolean flag(ExporterConfig config, String name, boolean fallback) {
        String value = config.string(name, null);
        if (value == null) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(config, name, value, "true or false");
        };
    }

    public static Duration duration(ExporterConfig config, String name, Duration fallback) {
        String value = config.string(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            Duration duration = Duration.parse(value.trim());
            if (!duration.isNegative() && !duration.isZero()) {
                return duration;
            }
        } catch (DateTimeParseException e) {
            // refused below
        }
        throw invalid(config, name, value, "a positive ISO-8601 duration such as " + fallback);
    }

    public static int positive(ExporterConfig config, String name, int fallback, int max) {
        String value = config.string(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number > 0 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw invalid(config, name, value, "a whole number from 1 to " + max + ", e.g. " + fallback);
    }

    /** One of the enum's constants, named in any case. */
    public static <E extends Enum<E>> E choice(ExporterConfig config, String name, E fallback) {
        String value = config.string(name, null);
        if (value == null) {
            return fallback;
        }
        E[] constants = fallback.getDeclaringClass().getEnumConstants();
        return Arrays.stream(constants).filter(c -> c.name().equalsIgnoreCase(value.trim())).findFirst()
                .orElseThrow(() -> invalid(config, name, value, "one of " + Arrays.toString(constants)));
    }

    private static ConfigException invalid(ExporterConfig config, String name, String value, String expected) {
        return new ConfigException("logExporters." + config.id() + "." + name + ": '" + value + "' is not " + expected);
    }
}
