package io.auditshipper.exporter.aws;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import io.micrometer.core.instrument.Counter;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.util.Optional;

/**
 * What Kestra's AWS exporters share: {@code region}, {@code accessKeyId}/{@code secretKeyId}/{@code sessionToken}
 * (else the SDK's default credential chain) and {@code endpointOverride}, applied to any AWS SDK client builder.
 */
public final class AwsClientSettings {

    /** Set on a call's first HTTP attempt: any later attempt of the same call is the SDK retrying it. */
    private static final ExecutionAttribute<Boolean> SENT_ONCE = new ExecutionAttribute<>("kestra-shipper-sent-once");

    private AwsClientSettings() {
    }

    /**
     * For a client that keeps the SDK's own retries (a call retried alone, where retrying the batch would send its
     * accepted calls again): counts each retry into the exporter's {@code kestra_shipper_retries_total}.
     */
    public static ExecutionInterceptor retriesCountedIn(Counter retries) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (attributes.getAttribute(SENT_ONCE) != null) {
                    retries.increment();
                } else {
                    attributes.putAttribute(SENT_ONCE, Boolean.TRUE);
                }
            }
        };
    }

    public static <B extends AwsClientBuilder<B, C>, C> B apply(ExporterConfig config, B builder) {
        builder.region(Region.of(config.required("region", "us-east-1"))).credentialsProvider(credentials(config));
        endpointOverride(config).ifPresent(builder::endpointOverride);
        return builder;
    }

    public static Optional<URI> endpointOverride(ExporterConfig config) {
        String endpoint = config.string("endpointOverride", null);
        if (endpoint == null) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(endpoint);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException(endpoint);
            }
            return Optional.of(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("logExporters." + config.id() + ".endpointOverride: '" + endpoint
                    + "' is not a URL, e.g. http://localhost:4566");
        }
    }

    /** Kestra's keys when given, else the SDK's default chain (environment, profile, instance role...). */
    static AwsCredentialsProvider credentials(ExporterConfig config) {
        String accessKey = config.string("accessKeyId", null);
        String secretKey = config.string("secretKeyId", null);
        if (accessKey == null && secretKey == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        if (accessKey == null || secretKey == null) {
            throw new ConfigException("logExporters." + config.id() + ": accessKeyId and secretKeyId go together;"
                    + " give both, or neither to use the default AWS credential chain");
        }
        String token = config.string("sessionToken", null);
        return StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(accessKey, secretKey)
                : AwsSessionCredentials.create(accessKey, secretKey, token));
    }
}
