package io.auditshipper.pipeline;

import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.RetryBudget;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which exporters failed on recent passes and when each may be tried again: a failing exporter lags and
 * backs off exponentially (with jitter, up to the cap) instead of holding back the others.
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

    Instant failed(String exporterId, Instant now) {
        int failures = states.containsKey(exporterId) ? states.get(exporterId).failures() + 1 : 1;
        Instant retryAt = now.plus(retry.delayAfter(failures, ThreadLocalRandom.current().nextDouble()));
        states.put(exporterId, new State(failures, retryAt));
        retryBudget.markDown(exporterId);
        return retryAt;
    }
}
