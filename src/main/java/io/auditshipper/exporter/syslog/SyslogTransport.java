package io.auditshipper.exporter.syslog;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** How syslog messages reach the collector: one datagram each (RFC 5426), or octet-counted frames on a stream (RFC 6587 / 5425). */
interface SyslogTransport extends AutoCloseable {

    /** Sends the messages; returns once each is handed on as far as the transport can tell (see the README). */
    void send(List<byte[]> messages) throws IOException;

    @Override
    void close();

    /** The collector's address looked up now, so a DNS change is seen at the next connection. */
    static InetSocketAddress resolved(InetSocketAddress collector) {
        return new InetSocketAddress(collector.getHostString(), collector.getPort());
    }

    /** UDP: each message one datagram, no acknowledgement. */
    final class Udp implements SyslogTransport {
        private final InetSocketAddress collector;
        private DatagramSocket socket;

        Udp(InetSocketAddress collector) {
            this.collector = collector;
        }

        @Override
        public void send(List<byte[]> messages) throws IOException {
            if (socket == null) {
                socket = new DatagramSocket();
                socket.connect(resolved(collector));
            }
            for (byte[] message : messages) {
                socket.send(new DatagramPacket(message, message.length));
            }
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /**
     * TCP or TLS: {@code MSG-LEN SP SYSLOG-MSG} frames on one connection kept open between batches. A connection the
     * collector closed is noticed before a batch is written on it (a read sees its end) and replaced; after the batch
     * is flushed, the connection must still be open for the batch to count as sent.
     */
    final class Stream implements SyslogTransport {
        private final InetSocketAddress collector;
        /** The connect (and TLS handshake) timeout for the next connection: shorter while the stream is shared. */
        private final Supplier<Duration> connectTimeout;
        private final SSLContext tls;
        private final boolean verifyHost;
        private Socket socket;
        private OutputStream out;
        private InputStream in;

        Stream(InetSocketAddress collector, Supplier<Duration> connectTimeout, SSLContext tls, boolean verifyHost) {
            this.collector = collector;
            this.connectTimeout = connectTimeout;
            this.tls = tls;
            this.verifyHost = verifyHost;
        }

        @Override
        public void send(List<byte[]> messages) throws IOException {
            if (socket != null && closedByCollector()) {
                close();
            }
            if (socket == null) {
                connect();
            }
            for (byte[] message : messages) {
                out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(message);
            }
            out.flush();
            if (closedByCollector()) {
                close();
                throw new IOException("the collector closed the connection while the batch was being sent");
            }
        }

        private void connect() throws IOException {
            Socket plain = new Socket();
            int connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.get().toMillis());
            try {
                plain.connect(resolved(collector), connectTimeoutMillis);
                plain.setKeepAlive(true);
                Socket connected = plain;
                if (tls != null) {
                    SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, collector.getHostString(),
                            collector.getPort(), true);
                    if (verifyHost) {
                        SSLParameters parameters = secure.getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("HTTPS");
                        secure.setSSLParameters(parameters);
                    }
                    secure.setSoTimeout(connectTimeoutMillis);
                    secure.startHandshake();
                    secure.setSoTimeout(0);
                    connected = secure;
                }
                socket = connected;
                out = new BufferedOutputStream(connected.getOutputStream(), 64 * 1024);
                in = connected.getInputStream();
            } catch (IOException e) {
                plain.close();
                throw e;
            }
        }

        /** Whether the collector ended the connection (it sends nothing, so any end or error says so). */
        private boolean closedByCollector() {
            try {
                socket.setSoTimeout(1);
                in.read();
                return true; // its end, or data, which a syslog collector never sends
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException e) {
                return true;
            } finally {
                try {
                    socket.setSoTimeout(0);
                } catch (IOException ignored) {
                    // closed: the next write says so
                }
            }
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing more to do with it
                }
                socket = null;
            }
        }
    }
}
