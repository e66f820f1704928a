package io.auditshipper.kestra;

import io.auditshipper.config.SecretRedactor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The few calls the shipper makes to a Kestra EE server under {@code /api/v1/{tenant}}, authenticated with
 * HTTP basic or a Bearer API token. The JDK's HTTP client is enough for these GETs and PUTs of JSON.
 */
public final class KestraApiClient {

    /** An answer other than the one expected; {@code status} 0 when the server could not be reached. */
    public static final class KestraApiException extends RuntimeException {
        private final int status;

        KestraApiException(int status, String message, Throwable cause) {
            super(SecretRedactor.redact(message), cause);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final String baseUrl;
    private final String tenant;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public KestraApiClient(String baseUrl, String tenant, String username, String password, String apiToken) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.tenant = tenant;
        if (apiToken != null) {
            authorization = "Bearer " + apiToken;
        } else if (username != null) {
            authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        } else {
            authorization = null;
        }
    }

    /** {@code /api/v1/{tenant}/<path>} with the query parameters, list values repeated. */
    public URI uri(String path, Map<String, ?> query) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            for (Object v : value instanceof List<?> list ? list : List.of(value)) {
                q.add(encode(name) + "=" + encode(String.valueOf(v)));
            }
        });
        return URI.create(baseUrl + "/api/v1/" + encode(tenant) + "/" + path + q);
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
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private String send(HttpRequest request, boolean notFoundIsNull) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new KestraApiException(0, request.method() + " " + request.uri() + ": Kestra not reachable: " + why(e), e);
        } catch (InterruptedException e) {
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
                    + ": " + body.substring(0, Math.min(500, body.length())), null);
        }
        return response.body();
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
