package io.auditshipper.exporter.http;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.RetryBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Kestra's HTTP client {@code options} (its {@code HttpConfiguration}) on the HTTP intake exporters: the keys that map
 * onto camel-http per request are applied, {@code timeout.connectTimeout} and {@code proxy} ({@code type},
 * {@code address}, {@code port}, {@code username}, {@code password}), and their older flat spellings Kestra still maps
 * onto them ({@code connectTimeout}, {@code proxyType}, {@code proxyAddress}...); Kestra's other keys are accepted, so
 * that a pasted task loads, and named once in a WARN at start as not applied.
 * <p>
 * Not applied on purpose: {@code timeout.readIdleTimeout} (and the older {@code readTimeout}). It would bound the wait
 * for an answer to a request already sent: a slow intake that takes the request after the bound would see it sent
 * again and take it twice, at every slow request, where today a duplicate needs a connection lost mid-answer. The
 * answer is waited for as camel-http waits (see {@link HttpDelivery}). Also not applied: {@code auth} (each exporter
 * sends its vendor's credentials), {@code ssl}, {@code followRedirects}, {@code allowFailed} (the answers are read by
 * {@link HttpStatusClassifier}), {@code defaultCharset}, {@code logs}, and the other older flat keys.
 *
 * @param connectTimeout the bound on establishing a connection when shipping alone (null: RetryBudget's)
 * @param proxy          the HTTP proxy every request goes through (null: none)
 */
public record HttpClientOptions(Duration connectTimeout, HttpProxy proxy) {

    /** An HTTP proxy (CONNECT for https targets); {@code username} and {@code password} null when it takes none. */
    public record HttpProxy(String host, int port, String username, String password) {
    }

    /** No options: RetryBudget's connect bound, no proxy (an exporter whose Kestra task has no {@code options}). */
    public static final HttpClientOptions NONE = new HttpClientOptions(null, null);

    private static final Logger LOG = LoggerFactory.getLogger(HttpClientOptions.class);

    static final ExporterProperty<Map<String, Object>> OPTIONS = ExporterProperty.object("options");
    static final ExporterProperty<Duration> CONNECT_TIMEOUT = ExporterProperty.duration("options.timeout.connectTimeout");
    /** Kestra's older flat spelling, which its client still maps onto {@code timeout.connectTimeout}. */
    static final ExporterProperty<Duration> FLAT_CONNECT_TIMEOUT = ExporterProperty.duration("options.connectTimeout");
    static final ExporterProperty<Proxy.Type> PROXY_TYPE = proxyType("options.proxy.type");
    static final ExporterProperty<String> PROXY_ADDRESS = proxyAddress("options.proxy.address");
    static final ExporterProperty<Integer> PROXY_PORT = ExporterProperty.positive("options.proxy.port", 65_535);
    static final ExporterProperty<String> PROXY_USERNAME = ExporterProperty.text("options.proxy.username");
    static final ExporterProperty<String> PROXY_PASSWORD = ExporterProperty.secret("options.proxy.password");
    /** Kestra's older flat spellings of the proxy, which its client still maps onto {@code proxy}. */
    static final ExporterProperty<Proxy.Type> FLAT_PROXY_TYPE = proxyType("options.proxyType");
    static final ExporterProperty<String> FLAT_PROXY_ADDRESS = proxyAddress("options.proxyAddress");
    static final ExporterProperty<Integer> FLAT_PROXY_PORT = ExporterProperty.positive("options.proxyPort", 65_535);
    static final ExporterProperty<String> FLAT_PROXY_USERNAME = ExporterProperty.text("options.proxyUsername");
    static final ExporterProperty<String> FLAT_PROXY_PASSWORD = ExporterProperty.secret("options.proxyPassword");

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(OPTIONS, CONNECT_TIMEOUT,
            FLAT_CONNECT_TIMEOUT, PROXY_TYPE, PROXY_ADDRESS, PROXY_PORT, PROXY_USERNAME, PROXY_PASSWORD,
            FLAT_PROXY_TYPE, FLAT_PROXY_ADDRESS, FLAT_PROXY_PORT, FLAT_PROXY_USERNAME, FLAT_PROXY_PASSWORD);

    private static final Set<String> APPLIED = PROPERTIES.list().stream().map(ExporterProperty::name)
            .filter(name -> !name.equals(OPTIONS.name())).collect(Collectors.toUnmodifiableSet());

    private static ExporterProperty<Proxy.Type> proxyType(String name) {
        return ExporterProperty.choice(name, Proxy.Type.class, "the proxy's kind").where(type -> type != Proxy.Type.SOCKS,
                "DIRECT or HTTP (camel-http's client speaks to HTTP proxies only)");
    }

    /** A host name or IPv4 address: a scheme or a port in it would make no host camel-http can reach. */
    private static ExporterProperty<String> proxyAddress(String name) {
        return ExporterProperty.text(name).where(address -> address.strip().matches("[^\\s:/@]+"),
                "a host name or IPv4 address (no scheme, no port: those go in type and port)");
    }

    /**
     * The options of the exporter's config, checked; the keys given that are not applied are named in one WARN. A
     * proxy is used when {@code proxy.address} is given and {@code proxy.type} is not {@code DIRECT}.
     */
    public static HttpClientOptions of(ExporterConfig config) {
        Duration connectTimeout = either(CONNECT_TIMEOUT, FLAT_CONNECT_TIMEOUT, config);
        String address = either(PROXY_ADDRESS, FLAT_PROXY_ADDRESS, config);
        HttpProxy proxy = null;
        if (address != null && either(PROXY_TYPE, FLAT_PROXY_TYPE, config) != Proxy.Type.DIRECT) {
            Integer port = either(PROXY_PORT, FLAT_PROXY_PORT, config);
            if (port == null) {
                throw ConfigException.inExporter(config.id(), PROXY_PORT.name(),
                        "required with options.proxy.address, e.g. port: 3128");
            }
            String username = either(PROXY_USERNAME, FLAT_PROXY_USERNAME, config);
            String password = either(PROXY_PASSWORD, FLAT_PROXY_PASSWORD, config);
            if ((username == null) != (password == null)) {
                throw ConfigException.inExporter(config.id(), "options.proxy",
                        "username and password go together; give both or neither");
            }
            proxy = new HttpProxy(address.strip(), port, username, password);
        }
        List<String> notApplied = notApplied(OPTIONS.of(config));
        if (!notApplied.isEmpty()) {
            LOG.warn("exporter {}: {} not applied: Kestra HTTP client settings this shipper's client does not take"
                    + " (only options.timeout.connectTimeout and options.proxy are); its own behaviour applies",
                    config.id(), String.join(", ", notApplied));
        }
        return new HttpClientOptions(connectTimeout, proxy);
    }

    /** The nested spelling's value, else the older flat one's. */
    private static <T> T either(ExporterProperty<T> nested, ExporterProperty<T> flat, ExporterConfig config) {
        T value = nested.of(config);
        return value != null ? value : flat.of(config);
    }

    /** The dotted names ({@code options.ssl.insecureTrustAllCertificates}) of the keys given that are not applied. */
    static List<String> notApplied(Map<String, Object> options) {
        List<String> notApplied = new ArrayList<>();
        keys(options, OPTIONS.name(), notApplied);
        return notApplied;
    }

    private static void keys(Map<?, ?> map, String path, List<String> notApplied) {
        map.forEach((key, value) -> {
            String name = path + "." + key;
            if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
                keys(nested, name, notApplied);
            } else if (!APPLIED.contains(name)) {
                notApplied.add(name);
            }
        });
    }

    /** The connect bound when shipping alone: the user's, else {@link RetryBudget#HTTP_CONNECT_TIMEOUT}. */
    public Duration aloneConnectTimeout() {
        return connectTimeout != null ? connectTimeout : RetryBudget.HTTP_CONNECT_TIMEOUT;
    }

    /**
     * camel-http's endpoint options for the proxy ({@code &name=value...}, empty without one): its scheme is http, the
     * proxy itself spoken to in plain (an https target goes through a CONNECT tunnel); the credentials given RAW so
     * that Camel takes them as written.
     */
    String endpointOptions() {
        if (proxy == null) {
            return "";
        }
        return "&proxyAuthScheme=http&proxyAuthHost=" + proxy.host() + "&proxyAuthPort=" + proxy.port()
                + (proxy.username() == null ? "" : "&proxyAuthMethod=Basic&proxyAuthUsername=" + raw(proxy.username())
                + "&proxyAuthPassword=" + raw(proxy.password()));
    }

    /** Camel's RAW form, taken as written: with braces when the value has a closing parenthesis of its own. */
    private static String raw(String value) {
        return value.contains(")") ? "RAW{" + value + "}" : "RAW(" + value + ")";
    }
}
