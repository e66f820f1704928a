package io.auditshipper.pipeline;

import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.retry.RetryPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which exporters failed on recent passes and when each may be tried again: a failing exporter lags and
 * backs off exponentially (with jitter, up to the cap), and no sooner than its destination asked, instead of holding
 * back the others.
 */
final class ExporterHealth {

    private record State(int failures, Instant retryAt) {
    }

    private final RetryConfig retry;
    private final RetryBudget retryBudget;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    ExporterHealth(RetryConfig retry, RetryBudget retryBudget) {
        this.retry = retry;
        this.retryBudget = retryBudget;
    }

    boolean isDue(String exporterId, Instant now) {
        State state = states.get(exporterId);
        return state == null || !now.isBefore(state.retryAt());
    }

    void succeeded(String exporterId) {
        states.remove(exporterId);
        retryBudget.markUp(exporterId);
    }

    /**
     * The exporter failed a pass at {@code now}, its destination having asked for {@code asked} more
     * ({@code Retry-After}) if it said: it is due again after the longer of the backoff's delay and that wait, the
     * latter within {@code maxDelay} as {@link RetryPolicy#wait} bounds it for a retry in the pass.
     */
    Instant failed(String exporterId, Instant now, Optional<Duration> asked) {
        int failures = states.containsKey(exporterId) ? states.get(exporterId).failures() + 1 : 1;
        double jitter = ThreadLocalRandom.current().nextDouble();
        Duration backoff = retry.delayAfter(failures, jitter);
        Duration askedWithinMaxDelay = RetryPolicy.wait(retry, failures, asked, jitter);
        Instant retryAt = now.plus(askedWithinMaxDelay.compareTo(backoff) > 0 ? askedWithinMaxDelay : backoff);
        states.put(exporterId, new State(failures, retryAt));
        retryBudget.markDown(exporterId);
        return retryAt;
    }
}
