package io.auditshipper.exporter.gcp;

import com.google.api.gax.tracing.ApiTracer;
import com.google.api.gax.tracing.ApiTracerFactory;
import com.google.api.gax.tracing.BaseApiTracer;
import com.google.api.gax.tracing.SpanName;
import io.micrometer.core.instrument.Counter;

/**
 * Counts a Google (GAPIC) client's own retries into the exporter's {@code kestra_shipper_retries_total}: gax
 * tells its tracer each attempt's number, and every attempt after the first ({@code attemptNumber > 0}) is a retry.
 */
public final class GaxRetryCounter implements ApiTracerFactory {

    private final Counter retries;

    public GaxRetryCounter(Counter retries) {
        this.retries = retries;
    }

    @Override
    public ApiTracer newTracer(ApiTracer parent, SpanName spanName, OperationType operationType) {
        return new BaseApiTracer() {
            @Override
            public void attemptStarted(int attemptNumber) {
                if (attemptNumber > 0) {
                    retries.increment();
                }
            }
        };
    }
}
