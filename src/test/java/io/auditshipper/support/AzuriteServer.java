package io.auditshipper.support;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azurite, Microsoft's Azure Storage emulator, with only its blob service, as a node process on 127.0.0.1.
 * npm installs it once into {@code target/tools/azurite}, so a machine with Node.js and npm needs nothing
 * else. Data is kept in memory and goes with the process.
 */
public final class AzuriteServer implements AutoCloseable {

    static final String VERSION = "3.37.0";
    /** Azurite's well-known development account (published in its README; not a secret). */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Path HOME = Path.of("target", "tools", "azurite").toAbsolutePath();
    private static final Pattern LISTENING = Pattern.compile("successfully listens on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** An object as stored: its bytes as uploaded and its HTTP headers. */
    public record StoredBlob(byte[] content, String contentType, String contentEncoding) {
    }

    private final Process process;
    private final Path log;
    private final Path debugLog;
    private final int port;
    private final Thread killOnExit;
    private BlobServiceClient client;

    public AzuriteServer() {
        Path main = install();
        try {
            log = Files.createTempFile(HOME.getParent(), "azurite-", ".log");
            debugLog = Files.createTempFile(HOME.getParent(), "azurite-debug-", ".log");
            process = new ProcessBuilder("node", main.toString(),
                    "--blobHost", "127.0.0.1", "--blobPort", "0",
                    "--inMemoryPersistence", "--extentMemoryLimit", "256",
                    // The Java SDK asks for service versions newer than Azurite may know.
                    "--skipApiVersionCheck",
                    // No network here, and none wanted from a test.
                    "--disableTelemetry",
                    // The account is the first path segment, never taken from the host name.
                    "--disableProductStyleUrl",
                    // Every request logged, so a test can count what reached the server.
                    "--debug", debugLog.toString())
                    .directory(HOME.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        killOnExit = new Thread(this::stop);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        port = awaitListening();
    }

    public String blobEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=" + blobEndpoint() + ";";
    }

    public void createContainer(String name) {
        client().createBlobContainer(name);
    }

    /** How many requests with this method and a URL containing {@code urlPart} reached Azurite (from its debug log). */
    public long requests(String method, String urlPart) {
        try (var lines = Files.lines(debugLog)) {
            return lines.filter(line -> line.contains("RequestMethod=" + method + " ") && line.contains("RequestURL=")
                    && line.substring(line.indexOf("RequestURL=")).split(" ", 2)[0].contains(urlPart)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The blob names in the container, in Azure's order (sorted). */
    public List<String> listBlobs(String container) {
        return client().getBlobContainerClient(container).listBlobs().stream().map(BlobItem::getName).toList();
    }

    public StoredBlob read(String container, String blob) {
        BlobContainerClient containerClient = client().getBlobContainerClient(container);
        var blobClient = containerClient.getBlobClient(blob);
        BlobProperties properties = blobClient.getProperties();
        return new StoredBlob(blobClient.downloadContent().toBytes(), properties.getContentType(),
                properties.getContentEncoding());
    }

    /** Writes (or overwrites) a blob, as someone with access to the container would. */
    public void write(String container, String blob, byte[] content) {
        client().getBlobContainerClient(container).getBlobClient(blob)
                .upload(com.azure.core.util.BinaryData.fromBytes(content), true);
    }

    private synchronized BlobServiceClient client() {
        if (client == null) {
            client = new BlobServiceClientBuilder().connectionString(connectionString()).buildClient();
        }
        return client;
    }

    /** Azurite prints its port once it listens (it was asked for port 0, so no other process can take it). */
    private int awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String output = output();
            Matcher listening = LISTENING.matcher(output);
            if (listening.find()) {
                int found = Integer.parseInt(listening.group(1));
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", found), 1000);
                    return found;
                } catch (IOException notYet) {
                    // printed but not yet accepting: poll again
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited with " + process.exitValue() + ":\n" + output);
            }
            sleep(50);
        }
        stop();
        throw new IllegalStateException("Azurite did not listen within " + START_TIMEOUT + ":\n" + output());
    }

    private String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs Azurite with npm unless an earlier run did; the marker is written only after npm succeeded. */
    private static synchronized Path install() {
        Path main = HOME.resolve("node_modules/azurite/dist/src/blob/main.js");
        Path marker = HOME.resolve("installed-" + VERSION);
        if (Files.exists(marker) && Files.exists(main)) {
            return main;
        }
        requireTool("node");
        requireTool("npm");
        try {
            Files.createDirectories(HOME);
            Path npmLog = HOME.resolveSibling("azurite-npm-install.log");
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", HOME.toString(),
                    "azurite@" + VERSION)
                    .redirectErrorStream(true).redirectOutput(npmLog.toFile()).start();
            if (!npm.waitFor(10, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm install azurite@" + VERSION + " took over 10 minutes; see "
                        + npmLog);
            }
            if (npm.exitValue() != 0 || !Files.exists(main)) {
                throw new IllegalStateException("npm install azurite@" + VERSION + " failed:\n"
                        + Files.readString(npmLog, StandardCharsets.UTF_8));
            }
            Files.writeString(marker, VERSION);
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void requireTool(String tool) {
        try {
            Process check = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            check.getInputStream().readAllBytes();
            if (check.waitFor() == 0) {
                return;
            }
        } catch (IOException notInstalled) {
            // answered below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("The Azure Blob tests run Azurite, which needs Node.js and npm: '" + tool
                + "' was not found. Install nodejs and npm (Debian: apt-get install nodejs npm; .ci/run does).");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Ends the node process and anything it started. */
    private void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        Runtime.getRuntime().removeShutdownHook(killOnExit);
    }
}
