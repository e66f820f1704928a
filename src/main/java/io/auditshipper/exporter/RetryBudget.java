package io.auditshipper.exporter;

import io.auditshipper.config.RetryConfig;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The retries an exporter may spend on a request or a batch: the task's {@code backoff}, or none while the
 * exporter is known to be down (it failed a pass and has not shipped since). The exporters of a batch are
 * committed together, so a destination's retries hold the others back: the round of retries that rides out a
 * blip is spent once, when the destination first fails; after that, each time it is due again (the backoff
 * between passes does the waiting) it gets one attempt, and the others lose no more than that.
 */
public final class RetryBudget {

    private final RetryConfig retry;
    private final Set<String> down = ConcurrentHashMap.newKeySet();

    public RetryBudget(RetryConfig retry) {
        this.retry = retry;
    }

    /** The backoff for this exporter's next request or batch. */
    public RetryConfig of(String exporterId) {
        return down.contains(exporterId)
                ? new RetryConfig(0, retry.initialDelay(), retry.multiplier(), retry.maxDelay())
                : retry;
    }

    public void markDown(String exporterId) {
        down.add(exporterId);
    }

    public void markUp(String exporterId) {
        down.remove(exporterId);
    }
}
