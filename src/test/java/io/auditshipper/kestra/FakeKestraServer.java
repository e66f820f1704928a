package io.auditshipper.kestra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Kestra EE server as its OpenAPI spec (1.x) describes the two APIs the shipper uses:
 * {@code GET /api/v1/{tenant}/auditlogs/search} (page from 1, size, sort=date:asc, startDate, endDate,
 * resources, namespace with its children; answers {@code {results: [{auditLog, user}], total}}) and the KV
 * store {@code GET|PUT /api/v1/{tenant}/namespaces/{ns}/kv/{key}} (404 when absent; GET answers
 * {@code {type, value, revision, updated}}). Basic auth or a Bearer API token; 401 otherwise.
 */
final class FakeKestraServer implements AutoCloseable {

    static final String USER = "admin@kestra.io";
    static final String PASSWORD = "kestra-password-123";
    static final String TOKEN = "kestra-api-token-456";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEARCH = Pattern.compile("/api/v1/([^/]+)/auditlogs/search");
    private static final Pattern KV = Pattern.compile("/api/v1/([^/]+)/namespaces/([^/]+)/kv/([^/]+)");

    final FakeHttpIntake http = new FakeHttpIntake(this::answer);
    final List<JsonNode> logs = new CopyOnWriteArrayList<>();
    final Map<String, String> kv = new ConcurrentHashMap<>();
    /** Answer KV values as a parsed JSON object (type JSON), as Kestra does for JSON strings it stored. */
    volatile boolean kvAsObject;

    String url() {
        return http.baseUrl();
    }

    void add(String auditLogJson) {
        try {
            logs.add(JSON.readTree(auditLogJson));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean authorized(Request request) {
        String auth = request.header("Authorization");
        String basic = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        return basic.equals(auth) || ("Bearer " + TOKEN).equals(auth);
    }

    private Answer answer(Request request) {
        if (!authorized(request)) {
            return Answer.of(401, "{\"message\":\"Unauthorized\"}");
        }
        Matcher search = SEARCH.matcher(request.path());
        if (search.matches() && request.method().equals("GET")) {
            return search(request);
        }
        Matcher kvPath = KV.matcher(request.path());
        if (kvPath.matches()) {
            String key = kvPath.group(1) + "/" + kvPath.group(2) + "/" + kvPath.group(3);
            if (request.method().equals("PUT")) {
                assertThat(request.header("Content-Type")).startsWith("text/plain");
                kv.put(key, new String(request.body(), StandardCharsets.UTF_8));
                return Answer.of(200, "");
            }
            String value = kv.get(key);
            if (value == null) {
                return Answer.of(404, "{\"message\":\"No value found for key\"}");
            }
            ObjectNode detail = JSON.createObjectNode();
            try {
                if (kvAsObject) {
                    detail.put("type", "JSON").set("value", JSON.readTree(value));
                } else {
                    detail.put("type", "STRING").put("value", value);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            detail.put("revision", 1).put("updated", Instant.now().toString());
            return Answer.of(200, detail.toString());
        }
        return Answer.of(404, "{\"message\":\"Not Found\"}");
    }

    private Answer search(Request request) {
        if (request.params("page").isEmpty() || request.params("size").isEmpty()) {
            return Answer.of(400, "{\"message\":\"page and size are required\"}");
        }
        if (!request.params("sort").equals(List.of("date:asc"))) {
            return Answer.of(400, "{\"message\":\"unexpected sort " + request.params("sort") + "\"}");
        }
        int page = Integer.parseInt(request.params("page").get(0));
        int size = Integer.parseInt(request.params("size").get(0));
        Instant start = request.params("startDate").stream().findFirst().map(Instant::parse).orElse(Instant.MIN);
        Instant end = request.params("endDate").stream().findFirst().map(Instant::parse).orElse(Instant.MAX);
        List<String> resources = request.params("resources");
        String namespace = request.params("namespace").stream().findFirst().orElse(null);
        List<JsonNode> matching = logs.stream()
                .filter(log -> {
                    Instant date = Instant.parse(log.path("date").asText());
                    return !date.isBefore(start) && !date.isAfter(end);
                })
                .filter(log -> resources.isEmpty() || resources.contains(log.path("detail").path("resourceType").asText()))
                .filter(log -> {
                    String ns = log.path("detail").path("namespace").asText();
                    return namespace == null || ns.equals(namespace) || ns.startsWith(namespace + ".");
                })
                // Sorted by date only, as the API does: ties stay in the order the server holds them.
                .sorted(Comparator.comparing(log -> Instant.parse(log.path("date").asText())))
                .toList();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = body.putArray("results");
        matching.stream().skip((long) (page - 1) * size).limit(size).forEach(log -> {
            ObjectNode item = results.addObject();
            item.set("auditLog", log);
            item.putObject("user").put("username", log.path("userId").asText());
        });
        body.put("total", matching.size());
        return Answer.of(200, body.toString());
    }

    @Override
    public void close() {
        http.close();
    }
}
