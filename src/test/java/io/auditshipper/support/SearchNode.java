package io.auditshipper.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Elasticsearch or OpenSearch node on 127.0.0.1, from the integ-test distributions both publish
 * to Maven Central (unpacked into {@code target/servers} by the build): single node, security off, a
 * fresh data directory per node, the test JVM's own Java. Both refuse to run as root, so under root the
 * node runs as {@code nobody} (setpriv, from util-linux).
 */
public final class SearchNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SERVERS = Path.of("target", "servers").toAbsolutePath();
    private static final int NOBODY = 65534;

    private final String engine;
    private final Path work;
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    public static SearchNode elasticsearch() {
        return new SearchNode("elasticsearch", "elasticsearch-" + System.getProperty("elasticsearch-server.version", "8.19.21"),
                "ES", "elasticsearch.yml", "xpack.security.enabled: false\n");
    }

    public static SearchNode opensearch() {
        return new SearchNode("opensearch", "opensearch-" + System.getProperty("opensearch-server.version", "2.19.6"),
                "OPENSEARCH", "opensearch.yml", "");
    }

    private SearchNode(String engine, String distribution, String envPrefix, String configFile, String extraConfig) {
        this.engine = engine;
        Path home = SERVERS.resolve(distribution);
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException(home + " is missing: run the tests through Maven, which unpacks it");
        }
        try {
            port = freePort();
            work = Files.createTempDirectory(SERVERS, engine + "-node-");
            Path config = work.resolve("config");
            Files.createDirectories(config);
            Files.createDirectories(work.resolve("data"));
            Files.createDirectories(work.resolve("logs"));
            Files.createDirectories(work.resolve("tmp"));
            try (Stream<Path> files = Files.list(home.resolve("config"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, config.resolve(file.getFileName()));
                }
            }
            // The shipped jvm.options writes GC logs and heap dumps relative to the working directory.
            List<String> jvmOptions = Files.readAllLines(home.resolve("config/jvm.options")).stream()
                    .filter(line -> !line.contains("logs/") && !line.contains("HeapDumpPath") && !line.matches("-Xm[sx].*")).toList();
            Files.write(config.resolve("jvm.options"), jvmOptions);
            Files.writeString(config.resolve(configFile), "cluster.name: shipper-test\ndiscovery.type: single-node\n"
                    + "network.host: 127.0.0.1\nhttp.port: " + port + "\ntransport.port: " + freePort() + "\n"
                    + "path.data: " + work.resolve("data") + "\npath.logs: " + work.resolve("logs") + "\n"
                    // Never refuse writes because the test machine's disk is nearly full.
                    + "cluster.routing.allocation.disk.threshold_enabled: false\n" + extraConfig);
            List<String> command = new ArrayList<>();
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                chownToNobody(work);
                command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
            }
            command.add(home.resolve("bin/" + engine).toString());
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("logs/console.log").toFile());
            builder.environment().put(envPrefix + "_PATH_CONF", config.toString());
            builder.environment().put(envPrefix + "_JAVA_HOME", System.getProperty("java.home"));
            String heap = System.getProperty("searchnode.heap", "384m");
            builder.environment().put(envPrefix + "_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap);
            builder.environment().put(envPrefix + "_TMPDIR", work.resolve("tmp").toString());
            process = builder.start();
            awaitHealthy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chownToNobody(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.toList()) {
                Files.setAttribute(path, "unix:uid", NOBODY);
                Files.setAttribute(path, "unix:gid", NOBODY);
            }
        }
    }

    private void awaitHealthy() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(engine + " exited while starting:\n" + tail());
            }
            try {
                if (get("/_cluster/health?wait_for_status=yellow&timeout=1s").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(300);
        }
        throw new IllegalStateException(engine + " did not become healthy in 180 s:\n" + tail());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(work.resolve("logs/console.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).GET().build());
    }

    public HttpResponse<String> put(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> delete(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).DELETE().build());
    }

    public HttpResponse<String> post(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** How many documents the index holds, after a refresh. */
    public long count(String index) throws IOException {
        get("/" + index + "/_refresh");
        HttpResponse<String> response = get("/" + index + "/_count");
        if (response.statusCode() != 200) {
            throw new IOException(engine + " count answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("count").asLong();
    }

    /** Every document of the index (after a refresh): {@code _id} to {@code _source}, in {@code _id} order; up to 10,000. */
    public Map<String, JsonNode> documents(String index) throws IOException {
        get("/" + index + "/_refresh");
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url() + "/" + index + "/_search"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"size\":10000,\"track_total_hits\":true}")).build());
        if (response.statusCode() != 200) {
            throw new IOException(engine + " search answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode hits = JSON.readTree(response.body()).path("hits");
        if (hits.path("total").path("value").asLong() > 10_000) {
            throw new IllegalStateException("more than 10,000 documents in " + index + ": the helper reads one page");
        }
        List<JsonNode> sorted = new ArrayList<>();
        hits.path("hits").forEach(sorted::add);
        sorted.sort(Comparator.comparing(hit -> hit.path("_id").asText()));
        Map<String, JsonNode> documents = new LinkedHashMap<>();
        sorted.forEach(hit -> documents.put(hit.path("_id").asText(), hit.path("_source")));
        return documents;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
