package io.auditshipper.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of a test server that passes on the last bytes of every piece the client writes
 * a moment after the rest, as a loaded host or a congested network does now and then. A server that answers a request
 * before it has read the request's last bytes, then drops the kept-alive connection because they were left unread,
 * does so on every request here, not only under load. Closes are passed on both ways, as a network path does; the
 * connections the server closed first are counted.
 */
public final class LateTailRelay implements AutoCloseable {

    /** The request's last line ending: what a server that stops reading early leaves behind. */
    private static final int TAIL_BYTES = 2;
    private static final long TAIL_DELAY_MILLIS = 20;

    private final ServerSocket listener;
    private final int targetPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "late-tail-relay");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger closedByServer = new AtomicInteger();

    public LateTailRelay(URI target) {
        targetPort = target.getPort();
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::accept);
    }

    /** Where clients connect instead of the server. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Connections the server closed while the client had not: kept-alive connections it dropped. */
    public int connectionsClosedByServer() {
        return closedByServer.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Connection connection = new Connection(client, new Socket(InetAddress.getLoopbackAddress(), targetPort));
                threads.execute(connection::clientToServer);
                threads.execute(connection::serverToClient);
            } catch (IOException e) {
                return; // the relay was closed
            }
        }
    }

    /** One client connection and the relay's connection to the server for it. */
    private final class Connection {

        private final Socket client;
        private final Socket server;
        private final AtomicBoolean clientEnded = new AtomicBoolean();

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void clientToServer() {
            try {
                copy(client, server, TAIL_DELAY_MILLIS);
                clientEnded.set(true);
                server.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                closeBoth(); // reset, or the relay closed: the thread ends
            }
        }

        void serverToClient() {
            try {
                copy(server, client, 0);
                if (!clientEnded.get()) {
                    closedByServer.incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                // reset by either side, or the relay closed: closed below
            }
            closeBoth();
        }

        private void closeBoth() {
            try (client; server) {
                // both closed, as the path between them is gone
            } catch (IOException ignored) {
                // already closed from the other direction
            }
        }
    }

    /** Copies what {@code from} sends until it ends, the last bytes of each piece {@code tailDelayMillis} late. */
    private static void copy(Socket from, Socket to, long tailDelayMillis) throws IOException, InterruptedException {
        byte[] buffer = new byte[64 * 1024];
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            int head = tailDelayMillis == 0 ? read : Math.max(0, read - TAIL_BYTES);
            out.write(buffer, 0, head);
            out.flush();
            if (head < read) {
                Thread.sleep(tailDelayMillis);
                out.write(buffer, head, read - head);
                out.flush();
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
