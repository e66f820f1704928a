package io.auditshipper.exporter;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The span of log times a destination keeps, as its vendor documents it: a log dated more than {@code maxAge}
 * before the shipping time, or more than {@code maxAhead} after it, is dropped (Datadog answers 202 and drops it;
 * CloudWatch Logs reports it in {@code rejectedLogEventsInfo}). Each destination declares its window as a named
 * constant with the vendor's page; this is the one place that judges a log against one.
 *
 * <p>The past edge is taken {@link #IN_FLIGHT_MARGIN} early: a request can be retried for minutes after the
 * check (three retries of the default backoff reach its 5-minute cap), and a log that ages out meanwhile would be
 * dropped as silently as one sent too late. The future edge needs no margin (waiting only brings a log in).
 */
public record TimeWindow(String destination, Duration maxAge, Duration maxAhead) {

    /** How long before its documented edge a log counts as too old: room for the retries of its request. */
    public static final Duration IN_FLIGHT_MARGIN = Duration.ofMinutes(15);

    /** Why a log dated {@code timestamp} is outside the window at {@code now}, or empty when it is inside. */
    public Optional<String> outside(Instant timestamp, Instant now) {
        if (timestamp.isBefore(now.minus(maxAge).plus(IN_FLIGHT_MARGIN))) {
            return Optional.of(destination + " drops logs dated more than " + words(maxAge) + " in the past (this one is "
                    + words(Duration.between(timestamp, now)) + " old at " + now + "; logs within "
                    + IN_FLIGHT_MARGIN.toMinutes() + " minutes of the limit count as too old, to leave time for retries)");
        }
        if (timestamp.isAfter(now.plus(maxAhead))) {
            return Optional.of(destination + " drops logs dated more than " + words(maxAhead) + " in the future (this one is "
                    + words(Duration.between(now, timestamp)) + " ahead of " + now + ")");
        }
        return Optional.empty();
    }

    private static String words(Duration duration) {
        long minutes = duration.toMinutes();
        if (minutes % (24 * 60) == 0 && minutes >= 24 * 60) {
            return minutes / (24 * 60) + " days";
        }
        if (minutes % 60 == 0 && minutes >= 60) {
            return minutes / 60 + " hours";
        }
        return duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
