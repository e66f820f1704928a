package io.auditshipper.config;

import java.time.Duration;

/**
 * Exponential backoff for a failing exporter: {@code maxRetries} redeliveries of a batch inside a pass,
 * then the exporter lags and is tried again on a later pass, each wait doubled up to {@code maxDelay}.
 */
public record RetryConfig(int maxRetries, Duration initialDelay, double multiplier, Duration maxDelay) {

    public static final RetryConfig DEFAULT = new RetryConfig(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));

    /** The wait before attempt {@code failures + 1}, with up to 25% jitter so that retries do not align. */
    public Duration delayAfter(int failures, double jitter) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
        millis = Math.min(millis, maxDelay.toMillis());
        return Duration.ofMillis((long) (millis * (1.0 + 0.25 * jitter)));
    }
}
