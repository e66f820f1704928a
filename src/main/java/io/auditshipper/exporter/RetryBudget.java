package io.auditshipper.exporter;

import io.auditshipper.config.RetryConfig;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
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

    /**
     * How long an exporter may take to connect while it shares a stream of batches: every other exporter's commit
     * waits on its answer, and a destination whose SYNs are dropped would hold them for its whole connect timeout
     * (minutes) on every batch. Giving up on a connection that is not established is safe, nothing has been sent on
     * it; the exporter leaves the stream and connects in the catch-up with its normal timeout. Issue 15: a down
     * destination adds at most 1 s to the others' time to their first commit.
     */
    public static final Duration SHARED_STREAM_CONNECT_TIMEOUT = Duration.ofSeconds(1);

    /**
     * How long an HTTP exporter may take to connect when it ships on its own (in the pass's catch-up, or alone in a
     * pass): camel-http's default is 3 minutes, which a destination whose SYNs are dropped would cost on every attempt,
     * the task's {@code maxRetries + 1} of them in a catch-up, holding the pass's end and the next pass. 10 s lets a
     * handshake through a lossy path (Linux sends an unanswered SYN again after 1, 3 and 7 s). Only the connection is
     * bounded: nothing has been sent on it, so giving up cannot make a duplicate.
     */
    public static final Duration HTTP_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final RetryConfig retry;
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private final Set<String> sharing = ConcurrentHashMap.newKeySet();

    public RetryBudget(RetryConfig retry) {
        this.retry = retry;
    }

    /** The backoff for this exporter's next request or batch. */
    public RetryConfig of(String exporterId) {
        return hasOneAttempt(exporterId) ? new RetryConfig(0, retry.initialDelay(), retry.multiplier(), retry.maxDelay()) : retry;
    }

    /**
     * Whether this exporter's next request or batch gets one attempt (it shares a stream, or is known down): what an
     * SDK that retries by itself must not retry then either.
     */
    public boolean hasOneAttempt(String exporterId) {
        return down.contains(exporterId) || sharing.contains(exporterId);
    }

    /**
     * Whether {@code failure} is a connection not established (refused, or not within its connect timeout), on which
     * nothing was sent: HttpURLConnection says "Connect timed out" where a request sent and not answered in time says
     * "Read timed out"; Netty's connect timeout is a {@code ConnectException}.
     */
    public static boolean notConnected(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof SocketTimeoutException && "Connect timed out".equals(cause.getMessage())) {
                return true;
            }
        }
        return false;
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

    /**
     * The longest this exporter may wait for a connection to be established, for its next request:
     * {@code configured} (zero: no limit), or {@link #SHARED_STREAM_CONNECT_TIMEOUT} while it shares a stream of
     * batches. Only for the
     * connection (and a TLS handshake), never for an answer to what was sent: given up on, a request that was sent
     * may still be taken, and sent again it would be taken twice.
     */
    public Duration connectTimeout(String exporterId, Duration configured) {
        return sharing.contains(exporterId) && (configured.isZero() || SHARED_STREAM_CONNECT_TIMEOUT.compareTo(configured) < 0)
                ? SHARED_STREAM_CONNECT_TIMEOUT : configured;
    }

    /** These exporters now share a stream of batches; every other exporter ships on its own. */
    public void markSharing(Collection<String> exporterIds) {
        sharing.clear();
        sharing.addAll(exporterIds);
    }
}
