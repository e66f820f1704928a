package io.auditshipper.exporter;

import io.auditshipper.observe.ShipperMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;

/** What the task gives every exporter besides its own properties, and where its retries and parked logs are counted. */
public record ExporterContext(Path deadLetterDirectory, RetryBudget retryBudget, MeterRegistry meters) {

    public DeadLetterFile deadLetters(String exporterId) {
        return new DeadLetterFile(deadLetterDirectory, exporterId, ShipperMeters.deadLettered(meters, exporterId));
    }

    public Counter retries(String exporterId) {
        return ShipperMeters.retries(meters, exporterId);
    }
}
