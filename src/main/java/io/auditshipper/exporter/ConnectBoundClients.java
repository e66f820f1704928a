package io.auditshipper.exporter;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * For an SDK whose connect timeout is set per client, not per request: the client to use for the exporter's next
 * call, built with the connect timeout its {@link RetryBudget} gives that call, {@link RetryBudget#connectTimeout}
 * with {@link RetryBudget#HTTP_CONNECT_TIMEOUT} on its own: 1 s while it shares the pass's stream of batches, 10 s in
 * its catch-up. At most two clients, each built on its first use (an exporter that never ships alone never builds the
 * second); the SDK's read and response timeouts stay the SDK's, since a request that was sent must not be given up.
 */
public final class ConnectBoundClients<C> {

    private final String exporterId;
    private final RetryBudget retryBudget;
    private final Function<Duration, C> build;
    private final Map<Duration, C> clients = new ConcurrentHashMap<>();

    /** @param build the client whose connections are given up when not established within the duration */
    public ConnectBoundClients(String exporterId, RetryBudget retryBudget, Function<Duration, C> build) {
        this.exporterId = exporterId;
        this.retryBudget = retryBudget;
        this.build = build;
    }

    public C forNextCall() {
        return clients.computeIfAbsent(retryBudget.connectTimeout(exporterId, RetryBudget.HTTP_CONNECT_TIMEOUT), build);
    }
}
