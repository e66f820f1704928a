package io.auditshipper.exporter.syslog;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;

import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;

/**
 * Kestra's Syslog {@code LogExporter} properties, read and checked, and the sizes and ports of the syslog RFCs:
 * RFC 5424 (the message), RFC 5426 (UDP), RFC 5425 (TLS), RFC 6587 (TCP).
 *
 * @param port the collector's port: {@link #UDP_PORT} unless {@code protocol: TLS} ({@link #TLS_PORT})
 * @param trustStorePath the key store holding the CAs the collector's certificate is checked against, null for the
 *                       JVM's own trust store
 * @param maxMessageBytes the most one syslog message holds, its CEF extension cut to fit
 */
public record SyslogConfig(String host, int port, Protocol protocol, String trustStorePath, String trustStoreType,
                           String trustStorePassword, boolean skipCertVerification, Duration connectionTimeout,
                           int maxMessageBytes) {

    /** How messages reach the collector: one datagram each (RFC 5426), octet-counted on TCP (RFC 6587) or TLS (RFC 5425). */
    public enum Protocol { UDP, TCP, TLS }

    /**
     * RFC 5426 section 3.3: "Syslog senders MUST support sending syslog message datagrams to the UDP port 514"
     * (https://www.rfc-editor.org/rfc/rfc5426#section-3.3); the default for TCP too, as collectors listen there.
     */
    static final int UDP_PORT = 514;
    /**
     * RFC 5425 section 4.1: "The TCP port 6514 has been allocated as the default port for syslog over TLS"
     * (https://www.rfc-editor.org/rfc/rfc5425#section-4.1).
     */
    static final int TLS_PORT = 6514;
    /**
     * The largest message one UDP datagram carries over IPv4: 65535 octets less the 8-octet UDP and 20-octet IP
     * headers. RFC 5426 section 3.2: "For IPv4, the maximum payload size is 65535 octets minus the UDP header and minus
     * the IP header because IPv4 has a 16-bit length field that also includes the header length"
     * (https://www.rfc-editor.org/rfc/rfc5426#section-3.2).
     */
    static final int MAX_UDP_MESSAGE_BYTES = 65_535 - 8 - 20;
    /**
     * RFC 5425 section 4.3.1: "Transport receivers SHOULD be able to process messages with lengths up to and including
     * 8192 octets" (https://www.rfc-editor.org/rfc/rfc5425#section-4.3.1), and rsyslog's default maxMessageSize is 8k;
     * RFC 5426 section 3.2 asks UDP receivers for 2048 ("All syslog receivers SHOULD be able to receive datagrams with
     * message sizes of up to and including 2048 octets. The ability to receive larger messages is encouraged").
     */
    static final int DEFAULT_MAX_MESSAGE_BYTES = 8192;

    static final ExporterProperty<String> HOST = ExporterProperty.text("host").required("syslog.example.com");
    static final ExporterProperty<Integer> PORT = ExporterProperty.positive("port", 65_535);
    static final ExporterProperty<Protocol> PROTOCOL = ExporterProperty.choice("protocol", Protocol.class, null)
            .orElse(Protocol.UDP);
    static final ExporterProperty<String> TRUST_STORE_PATH = ExporterProperty.text("trustStorePath");
    static final ExporterProperty<String> TRUST_STORE_TYPE = ExporterProperty.text("trustStoreType")
            .orElse(KeyStore.getDefaultType());
    static final ExporterProperty<String> TRUST_STORE_PASSWORD = ExporterProperty.text("trustStorePassword");
    static final ExporterProperty<Boolean> SKIP_CERT_VERIFICATION = ExporterProperty.flag("skipCertVerification")
            .orElse(false);
    static final ExporterProperty<Duration> CONNECTION_TIMEOUT = ExporterProperty.duration("connectionTimeout")
            .orElse(Duration.ofSeconds(10));
    static final ExporterProperty<Integer> MAX_MESSAGE_BYTES = ExporterProperty.positive("maxMessageBytes",
            MAX_UDP_MESSAGE_BYTES).orElse(DEFAULT_MAX_MESSAGE_BYTES);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(HOST, PORT, PROTOCOL, TRUST_STORE_PATH,
            TRUST_STORE_TYPE, TRUST_STORE_PASSWORD, SKIP_CERT_VERIFICATION, CONNECTION_TIMEOUT, MAX_MESSAGE_BYTES);

    public static SyslogConfig of(ExporterConfig config) {
        Protocol protocol = PROTOCOL.of(config);
        return new SyslogConfig(HOST.of(config),
                Objects.requireNonNullElse(PORT.of(config), protocol == Protocol.TLS ? TLS_PORT : UDP_PORT), protocol,
                TRUST_STORE_PATH.of(config), TRUST_STORE_TYPE.of(config), TRUST_STORE_PASSWORD.of(config),
                SKIP_CERT_VERIFICATION.of(config), CONNECTION_TIMEOUT.of(config), MAX_MESSAGE_BYTES.of(config));
    }
}
