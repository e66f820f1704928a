package io.auditshipper.exporter.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.Context;
import com.azure.core.util.HttpClientOptions;
import io.auditshipper.exporter.ConnectBoundClients;
import io.auditshipper.exporter.RetryBudget;
import reactor.core.publisher.Mono;


/**
 * The Azure SDK's HTTP client (Netty), connecting within the bound the exporter's {@link RetryBudget} gives each
 * request: the SDK's connect timeout is per client (10 s), which a destination whose SYNs are dropped would cost every
 * other exporter sharing the pass's stream. Each request goes to the client built with its bound
 * ({@link ConnectBoundClients}); the SDK's read and response timeouts are its own.
 */
public final class ConnectBoundHttpClient implements HttpClient {

    private final ConnectBoundClients<HttpClient> clients;

    public ConnectBoundHttpClient(String exporterId, RetryBudget retryBudget) {
        this.clients = new ConnectBoundClients<>(exporterId, retryBudget,
                connectTimeout -> HttpClient.createDefault(new HttpClientOptions().setConnectTimeout(connectTimeout)));
    }

    /**
     * The SDK's default retries (3, exponential from 0.8 s), except for a connection not established while the
     * exporter's budget gives it one attempt (in the shared stream, or known down): retried by the SDK, a blackholed
     * destination would cost the others 4 connect timeouts and the backoff between them instead of one.
     */
    public static RetryOptions retryOptions(String exporterId, RetryBudget retryBudget) {
        ExponentialBackoff sdkDefault = new ExponentialBackoff();
        return new RetryOptions(new ExponentialBackoffOptions()).setShouldRetryCondition(condition ->
                sdkDefault.shouldRetryCondition(condition)
                        && !(RetryBudget.notConnected(condition.getThrowable()) && retryBudget.hasOneAttempt(exporterId)));
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return clients.forNextCall().send(request);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return clients.forNextCall().send(request, context);
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        return clients.forNextCall().sendSync(request, context);
    }
}
