package io.auditshipper.config;

import org.quartz.CronExpression;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Kestra's cron, as its Schedule trigger takes it (five Unix fields, or one of its {@code @hourly}-style
 * extensions, see kestra.io/docs/workflow-components/triggers/schedule-trigger), as the Quartz expression
 * camel-quartz runs. Quartz adds a seconds field, counts the days of the week from 1 = Sunday where Unix counts
 * from 0 (and 7) = Sunday, and wants {@code ?} in one of the two day fields. A Quartz expression (six or seven
 * fields) is taken as it is.
 */
final class QuartzCron {

    static final String EVERY_MINUTE = "0 * * * * ?";

    private static final Map<String, String> EXTENSIONS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final List<String> DAY_NAMES = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private QuartzCron() {
    }

    /** The Quartz expression for {@code cron}. @throws IllegalArgumentException saying what is wrong with it */
    static String of(String cron) {
        String trimmed = cron.trim();
        String unix = EXTENSIONS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
        String[] f = unix.split("\\s+");
        String quartz = unix;
        if (f.length == 5) {
            boolean daysOfMonth = !f[2].equals("*");
            boolean daysOfWeek = !f[4].equals("*");
            if (daysOfMonth && daysOfWeek) {
                // Unix cron runs on a day that matches either field (or both, when one starts with *); Quartz takes
                // days from one field only.
                throw new IllegalArgumentException("restricts both the day of the month and the day of the week, which"
                        + " Quartz cannot run as Unix cron does; keep one of them and write * in the other");
            }
            quartz = "0 " + f[0] + " " + f[1] + " " + (daysOfWeek ? "?" : f[2]) + " " + f[3] + " "
                    + (daysOfWeek ? daysOfWeek(f[4]) : "?");
        }
        if (!CronExpression.isValidExpression(quartz)) {
            throw new IllegalArgumentException("is not a valid cron expression; write 5 fields"
                    + " (minute hour day-of-month month day-of-week), e.g. '*/5 * * * *', or @hourly, @daily, @weekly,"
                    + " @monthly, @yearly");
        }
        return quartz;
    }

    /** A Unix day-of-week field (0-7, SUN-SAT, lists, ranges, steps) as the list of Quartz days it names. */
    private static String daysOfWeek(String field) {
        TreeSet<Integer> days = new TreeSet<>();
        for (String part : field.split(",")) {
            String[] stepped = part.split("/", -1);
            int step = stepped.length == 2 ? number(stepped[1], "step") : 1;
            String[] range = stepped[0].split("-", -1);
            int from = range[0].equals("*") ? 0 : day(range[0]);
            int to = range[0].equals("*") ? 6 : range.length == 2 ? day(range[1]) : stepped.length == 2 ? 6 : from;
            if (stepped.length > 2 || range.length > 2 || step < 1 || to < from) {
                throw new IllegalArgumentException("has a day of the week Unix cron does not read: '" + part + "'");
            }
            for (int day = from; day <= to; day += step) {
                days.add(day % 7);
            }
        }
        return days.stream().map(day -> Integer.toString(day + 1)).collect(Collectors.joining(","));
    }

    /** 0-7 (both 0 and 7 are Sunday) or a day's three-letter name. */
    private static int day(String value) {
        int named = DAY_NAMES.indexOf(value.toUpperCase(Locale.ROOT));
        if (named >= 0) {
            return named;
        }
        int day = number(value, "day of the week");
        if (day > 7) {
            throw new IllegalArgumentException("has a day of the week out of 0-7: '" + value + "'");
        }
        return day;
    }

    private static int number(String value, String what) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has a " + what + " Unix cron does not read: '" + value + "'");
        }
    }
}
