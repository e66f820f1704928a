package io.auditshipper.exporter.syslog;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real rsyslogd (Debian's {@code rsyslog} and {@code rsyslog-gnutls}) run by the test as a child process on
 * 127.0.0.1 with a config of its own ({@code rsyslogd -n -f conf -i pidfile}, no root daemon): imudp, imtcp, and
 * imtcp with the gtls driver (certificate from {@link TestCa}), each writing what it receives to its own file with a
 * raw template ({@code %rawmsg%}: the message exactly as received, one per line).
 */
public final class Rsyslog implements AutoCloseable {

    public final int udpPort;
    public final int tcpPort;
    public final int tlsPort;
    private final Path dir;
    private final Process process;

    public Rsyslog(Path dir, TestCa ca) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir.resolve("work"));
        try (DatagramSocket udp = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
             ServerSocket tcp = new ServerSocket(0); ServerSocket tls = new ServerSocket(0)) {
            udpPort = udp.getLocalPort();
            tcpPort = tcp.getLocalPort();
            tlsPort = tls.getLocalPort();
        }
        String conf = """
                global(workDirectory="%1$s/work" maxMessageSize="64k"
                       defaultNetstreamDriverCAFile="%2$s" defaultNetstreamDriverCertFile="%3$s"
                       defaultNetstreamDriverKeyFile="%4$s")
                module(load="imudp")
                module(load="imtcp" maxSessions="200")
                template(name="raw" type="string" string="%%rawmsg%%\\n")
                ruleset(name="udp") { action(type="omfile" file="%1$s/udp.log" template="raw") }
                ruleset(name="tcp") { action(type="omfile" file="%1$s/tcp.log" template="raw") }
                ruleset(name="tls") { action(type="omfile" file="%1$s/tls.log" template="raw") }
                input(type="imudp" address="127.0.0.1" port="%5$d" ruleset="udp" rcvbufSize="8m")
                input(type="imtcp" address="127.0.0.1" port="%6$d" ruleset="tcp")
                input(type="imtcp" address="127.0.0.1" port="%7$d" ruleset="tls" streamDriver.name="gtls"
                      streamDriver.mode="1" streamDriver.authMode="anon")
                """.formatted(dir, ca.caPem(), ca.certPem(), ca.keyPem(), udpPort, tcpPort, tlsPort);
        Path config = dir.resolve("rsyslog.conf");
        Files.writeString(config, conf);
        String rsyslogd = Files.isExecutable(Path.of("/usr/sbin/rsyslogd")) ? "/usr/sbin/rsyslogd" : "rsyslogd";
        process = new ProcessBuilder(rsyslogd, "-n", "-f", config.toString(), "-i", dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", tcpPort), 200);
                break;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("rsyslogd did not start: " + Files.readString(dir.resolve("rsyslogd.out")));
                }
                Thread.sleep(100);
            }
        }
    }

    /** The lines rsyslog wrote for one input ({@code udp}, {@code tcp} or {@code tls}). */
    List<String> lines(String input) throws IOException {
        Path file = dir.resolve(input + ".log");
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    /** Waits until the lines matching {@code filter} are at least {@code count} (rsyslog writes asynchronously), then a little more. */
    public List<String> await(String input, java.util.function.Predicate<String> filter, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (lines(input).stream().filter(filter).count() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500); // anything sent twice would land by now
        return lines(input).stream().filter(filter).toList();
    }

    public String output() throws IOException {
        return Files.readString(dir.resolve("rsyslogd.out"));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }
}
