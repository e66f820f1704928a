package io.auditshipper.kestra;

import io.auditshipper.config.SecretRedactor;
import io.auditshipper.config.SourceConfig;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The few calls the shipper makes to a Kestra EE server under {@code /api/v1/{tenant}}, authenticated with
 * HTTP basic or a Bearer API token. The JDK's HTTP client is enough for these GETs and PUTs of JSON.
 */
public final class KestraApiClient {

    /** An answer other than the one expected; {@code status} 0 when the server could not be reached. */
    public static final class KestraApiException extends RuntimeException {
        private final int status;
        private final boolean timedOut;
        private final String retryAfter;

        KestraApiException(int status, String message, Throwable cause) {
            this(status, message, cause, false, null);
        }

        KestraApiException(int status, String message, Throwable cause, boolean timedOut, String retryAfter) {
            super(SecretRedactor.redact(message), cause);
            this.status = status;
            this.timedOut = timedOut;
            this.retryAfter = retryAfter;
        }

        public int status() {
            return status;
        }

        /** No connection or no complete answer within the connect or request timeout. */
        public boolean timedOut() {
            return timedOut;
        }

        /** A failure that asking again later may cure: 429, 502, 503, 504 or a timeout. */
        public boolean isTransient() {
            return timedOut || status == 429 || status == 502 || status == 503 || status == 504;
        }

        /** The answer's {@code Retry-After} header, as sent, or null. */
        public String retryAfter() {
            return retryAfter;
        }
    }


    private final String baseUrl;
    private final String tenant;
    private final String authorization;
    private final HttpClient http;
    private final Duration requestTimeout;

    public KestraApiClient(String baseUrl, String tenant, String username, String password, String apiToken) {
        this(baseUrl, tenant, username, password, apiToken, SourceConfig.DEFAULT_CONNECT_TIMEOUT,
                SourceConfig.DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * With the time allowed to connect, and for a whole request (from sending it to the last byte of the
     * answer, so a server that stops in the middle of a body does not hold the caller either).
     */
    public KestraApiClient(String baseUrl, String tenant, String username, String password, String apiToken,
                           Duration connectTimeout, Duration requestTimeout) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.tenant = tenant;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.requestTimeout = requestTimeout;
        if (apiToken != null) {
            authorization = "Bearer " + apiToken;
        } else if (username != null) {
            authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        } else {
            authorization = null;
        }
    }

    /**
     * {@code /api/v1/{tenant}/<path>} with the query parameters; a list is one comma-separated value, as Kestra's
     * spec gives every query parameter ({@code style: form, explode: false}).
     */
    public URI uri(String path, Map<String, ?> query) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            String v = value instanceof List<?> list
                    ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value);
            q.add(encode(name) + "=" + encode(v));
        });
        return URI.create(baseUrl + "/api/v1/" + encode(tenant) + "/" + path + q);
    }

    /** {@code /api/v1/<path>}, outside any tenant (such as {@code configs}). */
    public URI globalUri(String path) {
        return URI.create(baseUrl + "/api/v1/" + path);
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The body of a 200 answer, or null on 404. */
    public String get(URI uri) {
        return send(request(uri).GET().build(), true);
    }

    public void put(URI uri, String textBody) {
        send(request(uri).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(textBody)).build(), false);
    }

    /** Deletes a key; an absent key is not an error. */
    public void delete(URI uri) {
        send(request(uri).DELETE().build(), true);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Accept", "application/json");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private String send(HttpRequest request, boolean notFoundIsNull) {
        HttpResponse<String> response;
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            response = answer.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw timedOut(request);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
                throw timedOut(request);
            }
            IOException io = cause instanceof IOException i ? i : new IOException(cause);
            throw new KestraApiException(0, request.method() + " " + request.uri() + ": Kestra not reachable: " + why(io),
                    io, cause instanceof HttpConnectTimeoutException, null);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new KestraApiException(0, request.method() + " " + request.uri() + ": interrupted", e);
        }
        int status = response.statusCode();
        if (status == 404 && notFoundIsNull) {
            return null;
        }
        if (status == 401 || status == 403) {
            throw new KestraApiException(status, request.method() + " " + request.uri() + ": Kestra answered " + status
                    + "; check the credentials (username/password or apiToken) and their permissions", null);
        }
        if (status / 100 != 2) {
            String body = response.body() == null ? "" : response.body();
            throw new KestraApiException(status, request.method() + " " + request.uri() + ": Kestra answered " + status
                    + ": " + body.substring(0, Math.min(500, body.length())), null, false,
                    response.headers().firstValue("Retry-After").orElse(null));
        }
        return response.body();
    }

    private KestraApiException timedOut(HttpRequest request) {
        return new KestraApiException(0, request.method() + " " + request.uri() + ": no complete answer from Kestra within "
                + requestTimeout, null, true, null);
    }

    /**
     * Why a request could not be sent: the JDK's client throws a bare {@code ConnectException} (no message)
     * for a refused connection and for an unknown host alike, the reason only in the type of a cause.
     */
    private static String why(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host (" + t + ")";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "connection timed out (" + t.getMessage() + ")";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused, is Kestra listening there? (" + t + ")";
            }
        }
        return e.toString();
    }

    public String describe() {
        return baseUrl + " tenant " + tenant;
    }
}
