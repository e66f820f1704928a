package io.auditshipper.support;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts every HTTP request any AWS SDK v2 client of the test JVM sends, by service and operation
 * ({@code S3:PutObject}), SDK retries and the shipper's own retries alike: a global execution interceptor
 * the SDK loads from {@code software/amazon/awssdk/global/handlers/execution.interceptors} on the test class path.
 */
public final class AwsRequestCounter implements ExecutionInterceptor {

    private static final Map<String, AtomicLong> SENT = new ConcurrentHashMap<>();

    /** Requests sent so far for the operation, e.g. {@code sent("S3", "PutObject")}. */
    public static long sent(String service, String operation) {
        AtomicLong count = SENT.get(service + ":" + operation);
        return count == null ? 0 : count.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        SENT.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), key -> new AtomicLong()).incrementAndGet();
    }
}
