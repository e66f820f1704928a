package io.auditshipper.exporter;

import io.auditshipper.observe.ShipperMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What the task gives every exporter besides its own properties, where its retries and parked logs are counted,
 * and the clock it reads the shipping time from (a destination's time window is judged against it).
 */
public record ExporterContext(Path deadLetterDirectory, RetryBudget retryBudget, MeterRegistry meters, Clock clock) {

    public ExporterContext(Path deadLetterDirectory, RetryBudget retryBudget, MeterRegistry meters) {
        this(deadLetterDirectory, retryBudget, meters, Clock.systemUTC());
    }

    public DeadLetterFile deadLetters(String exporterId) {
        return new DeadLetterFile(deadLetterDirectory, exporterId, ShipperMeters.deadLettered(meters, exporterId));
    }

    public Counter retries(String exporterId) {
        return ShipperMeters.retries(meters, exporterId);
    }
}
