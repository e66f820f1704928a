package io.auditshipper.exporter.search;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;

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

    public static SearchConnection from(ExporterConfig config) {
        String at = "logExporters." + config.id() + ".connection";
        if (!(config.properties().get("connection.hosts") instanceof List<?> hostList) || hostList.isEmpty()) {
            throw new ConfigException(at + ".hosts: required by " + config.type().kestraType()
                    + ", a list of at least one URL, e.g. hosts: [\"https://search.example.com:9200\"]");
        }
        List<URI> hosts = hostList.stream().map(host -> url(at + ".hosts", String.valueOf(host))).toList();
        String username = config.string("connection.basicAuth.username", null);
        String password = config.string("connection.basicAuth.password", null);
        if ((username == null) != (password == null)) {
            throw new ConfigException(at + ".basicAuth: username and password go together; give both or neither");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Object headerValue = config.properties().get("connection.headers");
        if (headerValue instanceof List<?> headerList) {
            for (Object header : headerList) {
                String text = String.valueOf(header);
                int colon = text.indexOf(':');
                if (colon <= 0) {
                    throw new ConfigException(at + ".headers: '" + text
                            + "' is not a header; write \"Name: value\", e.g. \"X-Tenant: audit\"");
                }
                headers.put(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
            }
        } else if (headerValue != null) {
            throw new ConfigException(at + ".headers: a list of \"Name: value\" strings, e.g. [\"X-Tenant: audit\"]");
        }
        return new SearchConnection(hosts, username, password, Map.copyOf(headers),
                config.string("connection.pathPrefix", null),
                Boolean.parseBoolean(config.string("connection.trustAllSsl", "false")));
    }

    private static URI url(String at, String text) {
        if (!ExporterConfig.isHttpUrl(text)) {
            throw new ConfigException(at + ": '" + text + "' is not an http(s) URL, e.g. https://search.example.com:9200");
        }
        return URI.create(text);
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
