package io.auditshipper.exporter;

import io.auditshipper.exporter.retry.RetryPolicy;
import io.auditshipper.exporter.retry.Sleeper;
import io.auditshipper.observe.ShipperMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the task gives every exporter besides its own properties: where its retries and parked logs are counted,
 * the clock it reads the shipping time from (a destination's time window and a {@code Retry-After} date are judged
 * against it), and how its retries wait (a test records the waits instead of sleeping).
 */
public record ExporterContext(Path deadLetterDirectory, RetryBudget retryBudget, MeterRegistry meters, Clock clock,
                              Sleeper sleeper) {

    public ExporterContext(Path deadLetterDirectory, RetryBudget retryBudget, MeterRegistry meters) {
        this(deadLetterDirectory, retryBudget, meters, Clock.systemUTC());
    }

    public ExporterContext(Path deadLetterDirectory, RetryBudget retryBudget, MeterRegistry meters, Clock clock) {
        this(deadLetterDirectory, retryBudget, meters, clock, Sleeper.THREAD);
    }

    public DeadLetterFile deadLetters(String exporterId) {
        return new DeadLetterFile(deadLetterDirectory, exporterId, ShipperMeters.deadLettered(meters, exporterId));
    }

    public Counter retries(String exporterId) {
        return ShipperMeters.retries(meters, exporterId);
    }

    /** The exporter's retries: the task's backoff within its {@link RetryBudget}, counted in its retries meter. */
    public RetryPolicy retryPolicy(String exporterId) {
        return new RetryPolicy(exporterId, retryBudget, retries(exporterId), sleeper, () -> ThreadLocalRandom.current().nextDouble());
    }
}
