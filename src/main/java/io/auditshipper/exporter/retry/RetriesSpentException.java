package io.auditshipper.exporter.retry;

import io.auditshipper.exporter.DestinationUnavailableException;

import java.time.Duration;
import java.util.Optional;

/**
 * The destination kept answering "later" through every attempt the exporter had: unlike a refusal (credentials,
 * configuration), worth trying again later, in the pass's catch-up or on a later pass, but no sooner than the
 * {@code Retry-After} its last answer asked for.
 */
public final class RetriesSpentException extends DestinationUnavailableException {

    private final transient Optional<Duration> retryAfter;

    public RetriesSpentException(String message, Optional<Duration> retryAfter) {
        super(message, null);
        this.retryAfter = retryAfter;
    }

    /** The wait the destination's last answer asked for ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
