package io.auditshipper.exporter.aws;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.micrometer.core.instrument.Counter;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
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
 * The keys are held only inside {@code credentials} (whose {@code toString} shows the access key id, never the
 * secret), so the record can be printed.
 *
 * @param endpointOverride an S3-compatible server or a local CloudWatch Logs; null for AWS itself
 */
public record AwsClientSettings(Region region, AwsCredentialsProvider credentials, URI endpointOverride) {

    static final ExporterProperty<String> REGION = ExporterProperty.text("region").required("us-east-1");
    static final ExporterProperty<String> ACCESS_KEY_ID = ExporterProperty.text("accessKeyId");
    static final ExporterProperty<String> SECRET_KEY_ID = ExporterProperty.text("secretKeyId");
    static final ExporterProperty<String> SESSION_TOKEN = ExporterProperty.text("sessionToken");
    static final ExporterProperty<URI> ENDPOINT_OVERRIDE = ExporterProperty.url("endpointOverride");

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(REGION, ACCESS_KEY_ID, SECRET_KEY_ID,
            SESSION_TOKEN, ENDPOINT_OVERRIDE);

    /** Set on a call's first HTTP attempt: any later attempt of the same call is the SDK retrying it. */
    private static final ExecutionAttribute<Boolean> SENT_ONCE = new ExecutionAttribute<>("kestra-shipper-sent-once");

    public static AwsClientSettings of(ExporterConfig config) {
        return new AwsClientSettings(Region.of(REGION.of(config)), credentials(config), ENDPOINT_OVERRIDE.of(config));
    }

    /** Kestra's keys when given, else the SDK's default chain (environment, profile, instance role...). */
    private static AwsCredentialsProvider credentials(ExporterConfig config) {
        String accessKey = ACCESS_KEY_ID.of(config);
        String secretKey = SECRET_KEY_ID.of(config);
        if (accessKey == null && secretKey == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        if (accessKey == null || secretKey == null) {
            throw ConfigException.inExporter(config.id(), null, "accessKeyId and secretKeyId go together;"
                    + " give both, or neither to use the default AWS credential chain");
        }
        String token = SESSION_TOKEN.of(config);
        return StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(accessKey, secretKey)
                : AwsSessionCredentials.create(accessKey, secretKey, token));
    }

    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpointOverride);
    }

    /** The builder with this region, these credentials and, when given, the endpoint override. */
    public <B extends AwsClientBuilder<B, C>, C> B applyTo(B builder) {
        builder.region(region).credentialsProvider(credentials);
        endpoint().ifPresent(builder::endpointOverride);
        return builder;
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
}
