package io.auditshipper.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connections never complete, as a destination whose SYNs a firewall drops: a listener with a
 * backlog of one that never accepts, its queue filled by two connections of its own, so that the kernel drops every
 * further SYN (Linux) and a connect hangs until its timeout. Closed, the port refuses connections.
 */
public final class Blackhole implements AutoCloseable {

    private final ServerSocket listener;
    private final List<Socket> filling = new ArrayList<>();

    public Blackhole() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 2; i++) {
            Socket socket = new Socket();
            socket.connect(address(), 1_000);
            filling.add(socket);
        }
        try (Socket probe = new Socket()) {
            probe.connect(address(), 200);
            throw new IllegalStateException("a connection to the blackhole completed: the kernel did not drop it");
        } catch (SocketTimeoutException hangs) {
            // as intended
        }
    }

    private InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket socket : filling) {
            socket.close();
        }
        listener.close();
    }
}
