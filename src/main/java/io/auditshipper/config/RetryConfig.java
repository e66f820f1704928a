package io.auditshipper.config;

import java.time.Duration;

/**
 * Exponential backoff for a failing exporter: {@code maxRetries} redeliveries of a batch inside a pass,
 * then the exporter lags and is tried again on a later pass, each wait doubled up to {@code maxDelay}.
 */
public record RetryConfig(int maxRetries, Duration initialDelay, double multiplier, Duration maxDelay) {

    public static final RetryConfig DEFAULT = new RetryConfig(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));

    /**
     * The backoff schedule, the one every retry and every pause of a failing exporter follows: the wait before
     * attempt {@code failures + 1}, {@code initialDelay * multiplier^(failures - 1)} plus up to 25% jitter
     * ({@code jitter} in [0, 1)) so that retries do not align, never more than {@code maxDelay}.
     */
    public Duration delayAfter(int failures, double jitter) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1)) * (1.0 + 0.25 * jitter);
        return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
    }
}
