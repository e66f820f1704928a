package io.auditshipper.exporter.otlp;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;

import java.net.URI;

/**
 * Kestra's OpenTelemetry {@code LogExporter} properties, read and checked, and what the OTLP specification says of
 * OTLP/HTTP (https://opentelemetry.io/docs/specs/otlp/#otlphttp).
 *
 * @param otlpEndpoint the full URL requests are posted to: "The default URL path for requests that carry log data
 *                     is `/v1/logs`", and Kestra's property takes the URL with that path
 * @param authorizationHeader the header sent with every request, null when either of its two properties is absent
 */
public record OtlpConfig(URI otlpEndpoint, Header authorizationHeader, String serviceName, Encoding encoding) {

    /** A header's name and value. */
    public record Header(String name, String value) {
    }

    /**
     * "The client MUST set "Content-Type: application/x-protobuf" request header when sending binary-encoded Protobuf
     * or "Content-Type: application/json" request header when sending JSON encoded Protobuf payload."
     */
    public enum Encoding {
        PROTOBUF("application/x-protobuf"),
        JSON("application/json");

        private final String contentType;

        Encoding(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }
    }

    /**
     * The most one request carries, uncompressed. The OTLP specification sets no size limit; this is gRPC's default
     * maximum received message size (4 MiB), which the collector's OTLP
     * receivers keep unless configured otherwise, so that a request also fits a collector that forwards it over gRPC.
     */
    static final long MAX_PAYLOAD_BYTES = 4L * 1024 * 1024;

    static final ExporterProperty<URI> OTLP_ENDPOINT = ExporterProperty.httpUrl("otlpEndpoint")
            .required("http://otel-collector:4318/v1/logs");
    static final ExporterProperty<String> AUTHORIZATION_HEADER_NAME = ExporterProperty.text("authorizationHeaderName");
    static final ExporterProperty<String> AUTHORIZATION_HEADER_VALUE = ExporterProperty.text("authorizationHeaderValue");
    static final ExporterProperty<String> SERVICE_NAME = ExporterProperty.text("serviceName").orElse("kestra");
    static final ExporterProperty<Encoding> ENCODING = ExporterProperty.choice("encoding", Encoding.class,
            "the OTLP/HTTP encoding").orElse(Encoding.PROTOBUF);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(OTLP_ENDPOINT, AUTHORIZATION_HEADER_NAME,
            AUTHORIZATION_HEADER_VALUE, SERVICE_NAME, ENCODING);

    public static OtlpConfig of(ExporterConfig config) {
        String headerName = AUTHORIZATION_HEADER_NAME.of(config);
        String headerValue = AUTHORIZATION_HEADER_VALUE.of(config);
        return new OtlpConfig(OTLP_ENDPOINT.of(config),
                headerName == null || headerValue == null ? null : new Header(headerName, headerValue),
                SERVICE_NAME.of(config), ENCODING.of(config));
    }
}
