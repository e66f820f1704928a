package io.auditshipper.exporter.aws;

import io.auditshipper.exporter.RetryBudget;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * The SDK's retry strategy (the retry mode it resolves, with AWS's conditions), except for a connection not
 * established while the exporter's {@link RetryBudget} gives it one attempt (in the pass's shared stream, or known
 * down): retried by the SDK, a destination whose SYNs are dropped would hold every other exporter's commit for 4
 * connect timeouts instead of one. Nothing was sent on such a connection; the exporter retries in its catch-up.
 */
public final class SharedStreamRetryStrategy implements RetryStrategy {

    private final String exporterId;
    private final RetryBudget retryBudget;
    private final RetryStrategy sdk = AwsRetryStrategy.forRetryMode(RetryMode.resolver().resolve());

    public SharedStreamRetryStrategy(String exporterId, RetryBudget retryBudget) {
        this.exporterId = exporterId;
        this.retryBudget = retryBudget;
    }

    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
        return sdk.acquireInitialToken(request);
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
        if (RetryBudget.notConnected(request.failure()) && retryBudget.hasOneAttempt(exporterId)) {
            throw new TokenAcquisitionFailedException("exporter " + exporterId + " has one attempt and could not connect",
                    request.token(), request.failure());
        }
        return sdk.refreshRetryToken(request);
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
        return sdk.recordSuccess(request);
    }

    @Override
    public int maxAttempts() {
        return sdk.maxAttempts();
    }

    /** As it is: the client's defaults are in {@link #sdk} already, and the client would rebuild it without this. */
    @Override
    public boolean useClientDefaults() {
        return false;
    }

    @Override
    public Builder<?, ?> toBuilder() {
        throw new UnsupportedOperationException("the SDK's strategy wrapped for exporter " + exporterId);
    }
}
