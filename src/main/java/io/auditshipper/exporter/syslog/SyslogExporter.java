package io.auditshipper.exporter.syslog;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.HttpLogExporter;
import io.auditshipper.exporter.search.SearchConnection;
import io.auditshipper.model.AuditLogRecord;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Kestra's Syslog {@code LogExporter}: each audit log a CEF message ({@link Cef}) in an RFC 5424 syslog message
 * ({@code <PRI>1 TIMESTAMP HOSTNAME kestra - audit - CEF:0|...}, facility 13 "log audit", the severity from the
 * action, the log's own time), sent over UDP (one datagram each, RFC 5426), TCP (octet counting, RFC 6587) or TLS
 * (RFC 5425: octet counting, the collector's certificate checked against {@code trustStorePath} or the JVM's trust
 * store, and its host name, unless {@code skipCertVerification}). A refused connection or one that breaks is
 * retried with the task's backoff; a TLS handshake that fails stops the exporter at once with the fix. Its
 * properties and the RFCs' sizes and ports: {@link SyslogConfig}.
 */
public final class SyslogExporter implements LogExporter {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** RFC 5424's facility 13, "log audit". */
    private static final int FACILITY = 13;

    private final String id;
    private final SyslogConfig.Protocol protocol;
    private final InetSocketAddress collector;
    private final SyslogTransport transport;
    private final Cef cef;
    private final String hostname;
    private final int maxMessageBytes;

    private SyslogExporter(ExporterConfig config, RetryBudget retryBudget) {
        SyslogConfig settings = SyslogConfig.of(config);
        this.id = config.id();
        this.protocol = settings.protocol();
        this.collector = InetSocketAddress.createUnresolved(settings.host(), settings.port());
        Duration connectionTimeout = settings.connectionTimeout();
        this.maxMessageBytes = settings.maxMessageBytes();
        Supplier<Duration> connectTimeout = () -> retryBudget.connectTimeout(id, connectionTimeout);
        this.transport = switch (protocol) {
            case UDP -> new SyslogTransport.Udp(collector);
            case TCP -> new SyslogTransport.Stream(collector, connectTimeout, null, false);
            case TLS -> {
                boolean skip = settings.skipCertVerification();
                yield new SyslogTransport.Stream(collector, connectTimeout, tls(config.id(), settings), !skip);
            }
        };
        String version = SyslogExporter.class.getPackage().getImplementationVersion();
        this.cef = new Cef(version == null ? "0.1.0" : version);
        this.hostname = printableAscii(HttpLogExporter.localHostname(), 255);
    }

    public static LogExporter from(ExporterConfig config, RetryBudget retryBudget) {
        return new SyslogExporter(config, retryBudget);
    }

    private static SSLContext tls(String id, SyslogConfig settings) {
        if (settings.skipCertVerification()) {
            return SearchConnection.trustingEveryCertificate();
        }
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore(id, settings));
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, factory.getTrustManagers(), null);
            return tls;
        } catch (java.security.GeneralSecurityException e) {
            throw ConfigException.inExporter(id, null, "cannot set up TLS: " + e.getMessage());
        }
    }

    /**
     * The key store at {@code trustStorePath}, or null for the JVM's own trust store. One that cannot be loaded is
     * a config error naming the three properties that load it together.
     */
    private static KeyStore trustStore(String id, SyslogConfig settings) {
        String path = settings.trustStorePath();
        if (path == null) {
            return null;
        }
        String type = settings.trustStoreType();
        String password = settings.trustStorePassword();
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException e) {
            throw ConfigException.inExporter(id, "trustStorePath", "cannot read the trust store "
                    + path + " as " + type + " (" + e.getMessage() + "); check trustStorePath, trustStoreType and trustStorePassword");
        } catch (java.security.GeneralSecurityException e) {
            throw ConfigException.inExporter(id, "trustStoreType", "cannot load " + path + " as " + type
                    + " (" + e.getMessage() + ")");
        }
    }

    /** The RFC 5424 message of the record: header, no structured data, the CEF message. */
    byte[] syslogMessage(AuditLogRecord record) throws IOException {
        String head = "<" + (FACILITY * 8 + severityOf(record)) + ">1 "
                + TIMESTAMP.format(record.timestamp().truncatedTo(ChronoUnit.MICROS)) + " " + hostname + " kestra - audit - ";
        return (head + cef.message(record, maxMessageBytes - head.getBytes(StandardCharsets.UTF_8).length))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static int severityOf(AuditLogRecord record) throws IOException {
        return io.auditshipper.exporter.encoding.AuditFields.of(record).syslogSeverity();
    }

    @Override
    public synchronized void ship(List<AuditLogRecord> records) throws Exception {
        List<byte[]> messages = new ArrayList<>(records.size());
        for (AuditLogRecord record : records) {
            messages.add(syslogMessage(record));
        }
        try {
            transport.send(messages);
        } catch (SSLHandshakeException e) {
            transport.close();
            throw new DestinationUnavailableException("exporter " + id + ": the TLS handshake with " + describeCollector()
                    + " failed (" + e.getMessage() + "); if the collector's certificate is not signed by a CA of the trust"
                    + " store, set trustStorePath (with trustStoreType and trustStorePassword) to a trust store holding"
                    + " that CA, or skipCertVerification: true to accept any certificate", e);
        } catch (IOException e) {
            transport.close();
            if (e instanceof SSLException && e.getCause() instanceof java.security.cert.CertificateException) {
                throw new DestinationUnavailableException("exporter " + id + ": " + describeCollector()
                        + " presented a certificate that is not trusted (" + e.getMessage() + "); set trustStorePath or"
                        + " skipCertVerification", e);
            }
            // A refused or broken connection: the batch is sent again on a new one (RetryingExporter).
            throw new IOException("cannot send to " + describeCollector() + ": " + e, e);
        }
    }

    private String describeCollector() {
        return "syslog " + protocol + " " + collector.getHostString() + ":" + collector.getPort();
    }

    @Override
    public String describe() {
        return describeCollector() + " (CEF in RFC 5424 messages)";
    }

    private static String printableAscii(String text, int max) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c > 32 && c < 127 && out.length() < max) {
                out.append(c);
            }
        }
        return out.isEmpty() ? "-" : out.toString();
    }
}
