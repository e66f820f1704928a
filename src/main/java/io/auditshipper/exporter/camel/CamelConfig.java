package io.auditshipper.exporter.camel;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;

/**
 * The {@code camel} exporter's one property, read and checked: the endpoint URI, whose component must be in this
 * jar. The endpoint's own limits are its component's (e.g. Kafka's {@code maxRequestSize}), set in the URI's options.
 */
public record CamelConfig(String uri) {

    /** Camel finds a component by this file in its jar (the service file named after the URI's scheme). */
    private static final String COMPONENTS = "META-INF/services/org/apache/camel/component/";
    private static final String EXAMPLE = "\"kafka:kestra-audit?brokers=localhost:9092\"";

    static final ExporterProperty<String> URI = ExporterProperty.text("uri").required(EXAMPLE);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(URI);

    /**
     * The config, its URI's component looked up now (Camel would say so only at start). An unknown one is refused
     * naming the scheme alone, not in the shape that prints the value: a Camel URI carries credentials in options
     * ({@code password=}, {@code saslJaasConfig=}) that are not a URL's, so the redaction would not mask them.
     */
    public static CamelConfig of(ExporterConfig config) {
        String uri = URI.of(config);
        int colon = uri.indexOf(':');
        String scheme = colon > 0 ? uri.substring(0, colon) : uri;
        if (CamelConfig.class.getClassLoader().getResource(COMPONENTS + scheme) == null) {
            throw ConfigException.inExporter(config.id(), URI.name(), "no Camel component '" + scheme
                    + "' in this jar; give a component:path?options URI, e.g. uri: " + EXAMPLE
                    + " or uri: \"direct:my-route\" for a route of yours (--routes)");
        }
        return new CamelConfig(uri);
    }
}
