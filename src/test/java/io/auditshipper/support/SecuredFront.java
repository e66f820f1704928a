package io.auditshipper.support;

import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A test search node reached as a production cluster is: over HTTPS with a throwaway self-signed certificate
 * (in no trust store), with HTTP basic auth, under a path prefix (as behind a reverse proxy). A request that
 * passes is forwarded to the node as it came and the node's answer sent back, its product header included (the
 * Elasticsearch client checks it); a wrong or missing password is answered 401 as the engines' security does.
 * Every request is recorded.
 */
public final class SecuredFront implements AutoCloseable {

    /** Hop-by-hop headers, the JDK client's own, the credentials this front checked, and the encoding it undid. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "authorization", "content-encoding");

    private final FakeHttpIntake https;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String nodeUrl;
    private final String pathPrefix;
    private final String authorization;

    public SecuredFront(String nodeUrl, String pathPrefix, String username, String password) {
        this.nodeUrl = nodeUrl;
        this.pathPrefix = pathPrefix;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.https = new FakeHttpIntake(this::forward, SelfSignedTls.serverContext(SelfSignedTls.keystore("search-front")));
    }

    public String url() {
        return https.baseUrl();
    }

    public List<Request> requests() {
        return https.requests();
    }

    private Answer forward(Request request) {
        if (!authorization.equals(request.header("Authorization"))) {
            return new Answer(401, Map.of("Content-Type", "application/json", "WWW-Authenticate", "Basic realm=\"security\""),
                    "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate user\"},\"status\":401}");
        }
        if (!request.path().startsWith(pathPrefix + "/")) {
            return new Answer(404, Map.of("Content-Type", "text/plain"), "no route outside " + pathPrefix);
        }
        String target = nodeUrl + request.path().substring(pathPrefix.length()) + (request.query() == null ? "" : "?" + request.query());
        HttpRequest.Builder forwarded = HttpRequest.newBuilder(URI.create(target)).method(request.method(),
                request.body().length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> forwarded.header(name, value));
            }
        });
        try {
            HttpResponse<byte[]> answer = http.send(forwarded.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> headers = new HashMap<>();
            for (String name : List.of("Content-Type", "X-elastic-product")) {
                answer.headers().firstValue(name).ifPresent(value -> headers.put(name, value));
            }
            return new Answer(answer.statusCode(), headers, answer.body());
        } catch (IOException e) {
            return new Answer(502, Map.of("Content-Type", "text/plain"), "the node did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, Map.of("Content-Type", "text/plain"), "interrupted");
        }
    }

    @Override
    public void close() {
        https.close();
    }
}
