package io.auditshipper.exporter.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import io.micrometer.core.instrument.Counter;
import reactor.core.publisher.Mono;

/**
 * Counts the Azure SDK's own retries into the exporter's {@code kestra_shipper_retries_total}: a policy placed
 * after the SDK's retry policy sees every attempt of a call, and each after the first is a retry. Where the SDK
 * keeps its retries (it honours {@code Retry-After} and retries one upload of a batch alone, where redelivering the
 * batch would upload its accepted parts again), they are counted with the shipper's own.
 */
public final class SdkRetryCounter implements HttpPipelinePolicy {

    private static final String SENT_ONCE = "kestra-shipper-sent-once";

    private final Counter retries;

    public SdkRetryCounter(Counter retries) {
        this.retries = retries;
    }

    private void attempt(HttpPipelineCallContext context) {
        if (context.getData(SENT_ONCE).isPresent()) {
            retries.increment();
        } else {
            context.setData(SENT_ONCE, Boolean.TRUE);
        }
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        attempt(context);
        return next.process();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        attempt(context);
        return next.processSync();
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }
}
