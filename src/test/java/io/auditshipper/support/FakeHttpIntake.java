package io.auditshipper.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * A local HTTP server on 127.0.0.1 standing in for a vendor's intake API: it records every request
 * (body gunzipped when sent gzipped, with the size as sent) and answers what the test's responder says,
 * which is where a test checks the request as the vendor documents it. A body labelled
 * {@code Content-Encoding: gzip} that does not inflate (not gzip, truncated, bad CRC or length) is answered
 * 400 without reaching the responder, as every vendor intake that takes gzip does, and counted as a violation.
 */
public final class FakeHttpIntake implements AutoCloseable {

    /** A request as received. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                          int sentBytes) {
        /** The values of a query parameter, decoded, in order. */
        public List<String> params(String name) {
            if (query == null) {
                return List.of();
            }
            return java.util.Arrays.stream(query.split("&")).map(p -> p.split("=", 2))
                    .filter(kv -> java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8).equals(name))
                    .map(kv -> kv.length < 2 ? "" : java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8))
                    .toList();
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** An answer: status, headers, body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public Answer(int status, Map<String, String> headers, String body) {
            this(status, headers, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    /** When each request of {@link #requests} arrived (System.nanoTime), in the same order. */
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> responder;

    public FakeHttpIntake(Function<Request, Answer> responder) {
        this(responder, null);
    }

    /** Over TLS when {@code tls} is given (for clients that send credentials only over HTTPS). */
    public FakeHttpIntake(Function<Request, Answer> responder, javax.net.ssl.SSLContext tls) {
        this(responder, tls, null);
    }

    /**
     * Answering on {@code executor}'s threads when given (requests answered concurrently, so that one the
     * responder holds does not hold the next), else one request at a time.
     */
    public FakeHttpIntake(Function<Request, Answer> responder, javax.net.ssl.SSLContext tls,
                          java.util.concurrent.Executor executor) {
        this(responder, tls, executor, 0);
    }

    /** On {@code port} (0: any free one), for a test that opens it only once a client has found it closed. */
    public FakeHttpIntake(Function<Request, Answer> responder, javax.net.ssl.SSLContext tls,
                          java.util.concurrent.Executor executor, int port) {
        this.responder = responder;
        try {
            if (tls == null) {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            } else {
                com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                        new InetSocketAddress("127.0.0.1", port), 0);
                https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
                server = https;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        if (executor != null) {
            server.setExecutor(executor);
        }
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] sent = exchange.getRequestBody().readAllBytes();
        byte[] body = sent;
        String notGzip = null;
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            try (GZIPInputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(sent))) {
                body = gunzip.readAllBytes();
            } catch (IOException e) {
                notGzip = "Content-Encoding: gzip but the body does not inflate (" + e + ")";
            }
        }
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body, sent.length);
        synchronized (arrivals) {
            requests.add(request);
            arrivals.add(System.nanoTime());
        }
        Answer answer;
        if (notGzip != null) {
            violations.add(notGzip);
            answer = Answer.of(400, "{\"error\":\"" + notGzip.replace("\"", "'") + "\"}");
        } else {
            try {
                answer = responder.apply(request);
            } catch (AssertionError | RuntimeException e) {
                violations.add(e.getMessage());
                answer = Answer.of(599, "the request broke the vendor's documented contract: " + e.getMessage());
            }
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] out = answer.body();
        exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            exchange.getResponseBody().write(out);
        }
        exchange.close();
    }

    public void respondWith(Function<Request, Answer> next) {
        responder = next;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * How long the client waited between request {@code index} arriving and the next one: for a request answered
     * 429 or 503, at least the wait its {@code Retry-After} asked for when the client honours it.
     */
    public java.time.Duration waitAfter(int index) {
        synchronized (arrivals) {
            return java.time.Duration.ofNanos(arrivals.get(index + 1) - arrivals.get(index));
        }
    }

    /** Requests that broke the documented contract; a test expects none. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    public String baseUrl() {
        return (server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http") + "://127.0.0.1:"
                + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
