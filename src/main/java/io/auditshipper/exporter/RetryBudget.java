package io.auditshipper.exporter;

import io.auditshipper.config.RetryConfig;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The retries an exporter may spend on a request or a batch right away: the task's {@code backoff}, or none
 * <ul>
 *   <li>while it shares a pass's stream of batches with other exporters: the exporters of a batch are committed
 *       together, so a retry there would hold every other exporter's commit. It gets one attempt; one that fails
 *       leaves the shared stream and retries in the pass's catch-up, on its own, with the whole budget;</li>
 *   <li>while it is known to be down (it failed a pass and has not shipped since): each time it is due again (the
 *       backoff between passes does the waiting) it gets one attempt.</li>
 * </ul>
 */
public final class RetryBudget {

    private final RetryConfig retry;
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private final Set<String> sharing = ConcurrentHashMap.newKeySet();

    public RetryBudget(RetryConfig retry) {
        this.retry = retry;
    }

    /** The backoff for this exporter's next request or batch. */
    public RetryConfig of(String exporterId) {
        return down.contains(exporterId) || sharing.contains(exporterId)
                ? new RetryConfig(0, retry.initialDelay(), retry.multiplier(), retry.maxDelay())
                : retry;
    }

    public boolean isDown(String exporterId) {
        return down.contains(exporterId);
    }

    public void markDown(String exporterId) {
        down.add(exporterId);
    }

    public void markUp(String exporterId) {
        down.remove(exporterId);
    }

    /** These exporters now share a stream of batches; every other exporter ships on its own. */
    public void markSharing(Collection<String> exporterIds) {
        sharing.clear();
        sharing.addAll(exporterIds);
    }
}
