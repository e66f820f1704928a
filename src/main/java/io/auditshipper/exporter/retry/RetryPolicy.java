package io.auditshipper.exporter.retry;

import io.auditshipper.config.RetryConfig;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.RetryBudget;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The one retry loop of every exporter: runs an attempt and reads its {@link Outcome}. A {@link Outcome.Retry} is
 * attempted again up to the exporter's {@link RetryBudget} (the task's {@code backoff.maxRetries}, or none while
 * the exporter is known to be down), after the {@code Retry-After} the destination asked for (capped at
 * {@code maxDelay}) or else the backoff's delay ({@link RetryConfig#delayAfter}: exponential, jittered, capped);
 * each retry counts in {@code kestra_shipper_retries_total}. {@link Outcome.Done} and {@link Outcome.Reject} are
 * answered to the caller; {@link Outcome.Fatal} and spent retries stop the exporter for the pass.
 */
public final class RetryPolicy {

    /** One attempt at the destination, classified. */
    @FunctionalInterface
    public interface Attempt<T> {
        Outcome<T> run() throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    private final String exporterId;
    private final RetryBudget budget;
    private final Counter retries;
    private final Sleeper sleeper;
    private final DoubleSupplier jitter;

    /** {@code jitter} draws from [0, 1) the share of the backoff's jitter each wait gets. */
    public RetryPolicy(String exporterId, RetryBudget budget, Counter retries, Sleeper sleeper, DoubleSupplier jitter) {
        this.exporterId = exporterId;
        this.budget = budget;
        this.retries = retries;
        this.sleeper = sleeper;
        this.jitter = jitter;
    }

    /**
     * Attempts until the outcome is {@link Outcome.Done} or {@link Outcome.Reject}, and answers it. Throws
     * {@link DestinationUnavailableException} on {@link Outcome.Fatal}, and once the retries are spent (or, for an
     * attempt that threw, that failure itself, so the exporter fails as it did).
     */
    public <T> Outcome<T> run(Attempt<T> attempt) throws Exception {
        RetryConfig retry = budget.of(exporterId);
        for (int failures = 1; ; failures++) {
            Outcome<T> outcome = attempt.run();
            if (outcome instanceof Outcome.Fatal<T> fatal) {
                throw new DestinationUnavailableException("exporter " + exporterId + ": " + fatal.fix(), null);
            }
            if (!(outcome instanceof Outcome.Retry<T> again)) {
                return outcome;
            }
            if (failures > retry.maxRetries()) {
                if (again.failure() != null) {
                    throw again.failure();
                }
                throw new RetriesSpentException("exporter " + exporterId + ": gave up after " + failures
                        + " attempts: " + again.reason(), again.after());
            }
            Duration wait = wait(retry, failures, again.after(), jitter.getAsDouble());
            LOG.warn("exporter {}: {}; retrying in {} ms", exporterId, SecretRedactor.redact(again.reason()), wait.toMillis());
            retries.increment();
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DestinationUnavailableException("exporter " + exporterId + ": interrupted while waiting to retry", e);
            }
        }
    }

    /**
     * The wait after the {@code failures}-th failed attempt: what the destination asked for ({@code Retry-After}),
     * within {@code maxDelay}, else the backoff's delay with this {@code jitter}. Every retry of the shipper, the
     * source's included, waits this long.
     */
    public static Duration wait(RetryConfig retry, int failures, Optional<Duration> asked, double jitter) {
        return asked.map(after -> after.compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : after)
                .orElseGet(() -> retry.delayAfter(failures, jitter));
    }
}
