package io.auditshipper.exporter.search;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kestra's {@code connection} block of the Elasticsearch and OpenSearch exporters: {@code hosts},
 * {@code basicAuth.username}/{@code password}, {@code headers} ({@code "Name: value"} strings, as Kestra
 * takes them), {@code pathPrefix} and {@code trustAllSsl} (off by default: certificates are verified).
 */
public record SearchConnection(List<URI> hosts, String username, String password, Map<String, String> headers,
                               String pathPrefix, boolean trustAllSsl) {

    static final ExporterProperty<List<String>> HOSTS = ExporterProperty.list("connection.hosts")
            .where(hosts -> !hosts.isEmpty() && hosts.stream().allMatch(ExporterProperty::isHttpUrl),
                    "a list of at least one http(s) URL with a host")
            .required("[\"https://search.example.com:9200\"]");
    static final ExporterProperty<String> USERNAME = ExporterProperty.text("connection.basicAuth.username");
    static final ExporterProperty<String> PASSWORD = ExporterProperty.text("connection.basicAuth.password");
    /** Kestra takes headers as {@code "Name: value"} strings. */
    static final ExporterProperty<List<String>> HEADERS = ExporterProperty.list("connection.headers")
            .where(headers -> headers.stream().allMatch(header -> header.indexOf(':') > 0),
                    "a list of \"Name: value\" strings, e.g. [\"X-Tenant: audit\"]");
    static final ExporterProperty<String> PATH_PREFIX = ExporterProperty.text("connection.pathPrefix");
    static final ExporterProperty<Boolean> TRUST_ALL_SSL = ExporterProperty.flag("connection.trustAllSsl").orElse(false);
    /**
     * Kestra's REST client option to fail on deprecation warnings: accepted so a pasted task loads; the bulk answers
     * are judged item by item here ({@link BulkIndexer}), and a warning header is not a failure.
     */
    static final ExporterProperty<Boolean> STRICT_DEPRECATION_MODE =
            ExporterProperty.flag("connection.strictDeprecationMode").orElse(false);

    static final ExporterProperties PROPERTIES = ExporterProperties.of(HOSTS, USERNAME, PASSWORD, HEADERS, PATH_PREFIX,
            TRUST_ALL_SSL, STRICT_DEPRECATION_MODE);

    static SearchConnection of(ExporterConfig config) {
        String username = USERNAME.of(config);
        String password = PASSWORD.of(config);
        if ((username == null) != (password == null)) {
            throw ConfigException.inExporter(config.id(), "connection.basicAuth",
                    "username and password go together; give both or neither");
        }
        STRICT_DEPRECATION_MODE.of(config); // read for its check only (true or false), see above
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : HEADERS.of(config)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        return new SearchConnection(HOSTS.of(config).stream().map(URI::create).toList(), username, password,
                Map.copyOf(headers), PATH_PREFIX.of(config), TRUST_ALL_SSL.of(config));
    }

    public static int port(URI host) {
        return host.getPort() > 0 ? host.getPort() : "https".equals(host.getScheme()) ? 443 : 80;
    }

    /** Only with {@code trustAllSsl: true}: accepts any certificate, for self-signed test clusters. */
    public static SSLContext trustingEveryCertificate() {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{trustAll}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    public String describe() {
        return hosts.stream().map(host -> url(host, "")).toList().toString();
    }

    /** The URL of {@code path} on each host, with the path prefix and without any user info: for error messages. */
    public String urls(String path) {
        return String.join(", ", hosts.stream().map(host -> url(host, path)).toList());
    }

    private String url(URI host, String path) {
        String prefix = pathPrefix == null ? "" : "/" + pathPrefix.replaceAll("^/+|/+$", "");
        return host.getScheme() + "://" + host.getHost() + (host.getPort() > 0 ? ":" + host.getPort() : "")
                + prefix + path;
    }
}
