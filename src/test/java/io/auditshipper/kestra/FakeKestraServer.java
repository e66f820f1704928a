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
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kestra EE server, on 127.0.0.1 and a free port, as its OpenAPI spec (1.3.0) describes the two APIs the
 * shipper uses:
 * <ul>
 * <li>{@code GET /api/v1/{tenant}/auditlogs/search}: {@code page} (from 1) and {@code size} required,
 * {@code sort} (only {@code date:asc} accepted here), {@code startDate}/{@code endDate} (date-time,
 * inclusive), {@code resources} (a list of ResourceType, sent repeated or comma-separated as
 * {@code explode: false} allows; matched on {@code detail.resourceType} or {@code detail.permission}),
 * {@code namespace} (the namespace and its children, on {@code detail.namespace}). Answers
 * {@code PagedResults_AuditLogController.ApiAuditLogItem_}: {@code {results: [{auditLog, user}], total}},
 * sorted by date only; logs that share a date stay in the order they were added.</li>
 * <li>{@code GET|PUT|DELETE /api/v1/{tenant}/namespaces/{namespace}/kv/{key}}: GET answers 404 when the key
 * is absent, else {@code KVController.KvDetail} {@code {type, value, revision, updated}}, the value as the
 * stored string (type STRING), or, with {@link #kvAsObject}, parsed (type JSON) as Kestra does with a JSON
 * body it stored; PUT takes the value as a {@code text/plain} body.</li>
 * </ul>
 * Every call needs {@code Authorization: Basic base64(user:password)} or {@code Authorization: Bearer token}
 * with the configured credentials, else 401. Every request is recorded ({@link #requests()}).
 */
final class FakeKestraServer implements AutoCloseable {

    static final String USER = "admin@kestra.io";
    static final String PASSWORD = "kestra-password-123";
    static final String TOKEN = "kestra-api-token-456";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEARCH = Pattern.compile("/api/v1/([^/]+)/auditlogs/search");
    private static final Pattern KV = Pattern.compile("/api/v1/([^/]+)/namespaces/([^/]+)/kv/([^/]+)");
    private static final Pattern KV_KEY = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]*");
    /** The ResourceType enum of the 1.3.0 spec: a {@code resources} value outside it does not bind (400). */
    static final Set<String> RESOURCE_TYPES = Set.of("AUDITLOG", "APP", "ASSET", "APP_EXECUTION", "BLUEPRINT",
            "BINDING", "DASHBOARD", "EXECUTION", "FLOW", "KILL_SWITCH", "KV_STORE", "GROUP", "INVITATION", "NAMESPACE",
            "NAMESPACE_FILE", "ROLE", "SECURITY_INTEGRATION", "SECRET", "SETTING", "TEMPLATE", "TRIGGER", "TENANT",
            "TENANT_ACCESS", "TESTSUITE", "TESTSUITE_RUN", "VERSIONED_PLUGIN", "USER", "CREDENTIAL", "WORKER_GROUP",
            "INSTANCE", "UNKNOWN");

    private final String user;
    private final String password;
    private final String token;

    final FakeHttpIntake http = new FakeHttpIntake(this::answer);
    /** The audit logs held, in the order they were added. */
    final List<JsonNode> logs = new CopyOnWriteArrayList<>();
    /** KV values as stored, by {@code tenant/namespace/key}. */
    final Map<String, String> kv = new ConcurrentHashMap<>();
    private final Map<String, Integer> revisions = new ConcurrentHashMap<>();
    private final Map<String, Instant> updated = new ConcurrentHashMap<>();
    /** Answer KV values as a parsed JSON object (type JSON), as Kestra does for JSON strings it stored. */
    volatile boolean kvAsObject;

    FakeKestraServer() {
        this(USER, PASSWORD, TOKEN);
    }

    /** A server accepting basic auth with {@code user}/{@code password} and the Bearer {@code token}. */
    FakeKestraServer(String user, String password, String token) {
        this.user = user;
        this.password = password;
        this.token = token;
    }

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

    List<Request> requests() {
        return http.requests();
    }

    /** The audit log searches received, in order. */
    List<Request> searches() {
        return http.requests().stream().filter(r -> SEARCH.matcher(r.path()).matches()).toList();
    }

    /** An AuditLog (the spec's schema) as Kestra serializes it. */
    static String auditLog(String id, Instant date, String resourceType, String namespace) {
        return auditLog(id, date.toString(), resourceType, namespace);
    }

    static String auditLog(String id, String date, String resourceType, String namespace) {
        ObjectNode log = JSON.createObjectNode();
        log.put("tenantId", "main");
        log.put("id", id);
        log.put("type", "UPDATE");
        ObjectNode detail = log.putObject("detail");
        detail.put("type", "io.kestra.core.models.flows.Flow");
        detail.put("id", "flow-" + id);
        detail.put("resourceType", resourceType);
        detail.put("permission", resourceType);
        if (namespace != null) {
            detail.put("namespace", namespace);
        }
        log.put("date", date);
        log.put("userId", "user-" + Math.floorMod(id.hashCode(), 5));
        log.put("ipAddress", "10.0.0." + Math.floorMod(id.hashCode(), 250));
        return log.toString();
    }

    private boolean authorized(Request request) {
        String auth = request.header("Authorization");
        if (auth == null) {
            return false;
        }
        if (auth.startsWith("Bearer ")) {
            return token != null && auth.substring("Bearer ".length()).equals(token);
        }
        if (auth.startsWith("Basic ")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.substring("Basic ".length())), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            return user != null && decoded.equals(user + ":" + password);
        }
        return false;
    }

    private Answer answer(Request request) {
        if (!authorized(request)) {
            return new Answer(401, Map.of("WWW-Authenticate", "Basic realm=\"Kestra\"",
                    "Content-Type", "application/json"), "{\"message\":\"Unauthorized\"}");
        }
        Matcher search = SEARCH.matcher(request.path());
        if (search.matches()) {
            return request.method().equals("GET") ? search(request) : error(405, "Method Not Allowed");
        }
        Matcher kvPath = KV.matcher(request.path());
        if (kvPath.matches()) {
            return kv(request, kvPath.group(1), kvPath.group(2), kvPath.group(3));
        }
        return error(404, "Not Found");
    }

    private static Answer json(int status, String body) {
        return new Answer(status, Map.of("Content-Type", "application/json"), body);
    }

    private static Answer error(int status, String message) {
        return json(status, JSON.createObjectNode().put("message", message).toString());
    }

    private Answer kv(Request request, String tenant, String namespace, String key) {
        String id = tenant + "/" + namespace + "/" + key;
        switch (request.method()) {
            case "GET" -> {
                String value = kv.get(id);
                if (value == null) {
                    return error(404, "No value found for key '" + key + "' in namespace '" + namespace + "'");
                }
                ObjectNode detail = JSON.createObjectNode();
                JsonNode parsed = kvAsObject ? parse(value) : null;
                if (parsed != null && parsed.isContainerNode()) {
                    detail.put("type", "JSON").set("value", parsed);
                } else {
                    detail.put("type", "STRING").put("value", value);
                }
                detail.put("revision", revisions.getOrDefault(id, 1))
                        .put("updated", updated.getOrDefault(id, Instant.now()).toString());
                return json(200, detail.toString());
            }
            case "PUT" -> {
                String contentType = request.header("Content-Type");
                if (contentType == null || !contentType.toLowerCase().startsWith("text/plain")) {
                    return error(415, "Unsupported Media Type: " + contentType);
                }
                if (!KV_KEY.matcher(key).matches()) {
                    return error(400, "Invalid key: " + key);
                }
                if (request.body().length == 0) {
                    return error(400, "Required Body [value] not specified");
                }
                kv.put(id, new String(request.body(), StandardCharsets.UTF_8));
                revisions.merge(id, 1, Integer::sum);
                updated.put(id, Instant.now());
                return new Answer(200, Map.of(), "");
            }
            case "DELETE" -> {
                boolean existed = kv.remove(id) != null;
                revisions.remove(id);
                updated.remove(id);
                return json(200, Boolean.toString(existed));
            }
            default -> {
                return error(405, "Method Not Allowed");
            }
        }
    }

    private static JsonNode parse(String value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    private Answer search(Request request) {
        Integer page = integer(request, "page");
        Integer size = integer(request, "size");
        if (page == null || size == null || page < 1 || size < 1) {
            return error(400, "page (from 1) and size are required: page=" + request.params("page")
                    + " size=" + request.params("size"));
        }
        if (!request.params("sort").equals(List.of("date:asc"))) {
            return error(400, "unexpected sort " + request.params("sort"));
        }
        Instant start;
        Instant end;
        try {
            start = request.params("startDate").stream().findFirst().map(Instant::parse).orElse(Instant.MIN);
            end = request.params("endDate").stream().findFirst().map(Instant::parse).orElse(Instant.MAX);
        } catch (DateTimeParseException e) {
            return error(400, "Failed to convert argument: " + e.getMessage());
        }
        List<String> resources = new ArrayList<>();
        for (String value : request.params("resources")) {
            for (String resource : value.split(",")) {
                if (!RESOURCE_TYPES.contains(resource)) {
                    return error(400, "Failed to convert argument [resources]: no ResourceType " + resource);
                }
                resources.add(resource);
            }
        }
        String namespace = request.params("namespace").stream().findFirst().orElse(null);
        List<JsonNode> matching = logs.stream()
                .filter(log -> {
                    Instant date = Instant.parse(log.path("date").asText());
                    return !date.isBefore(start) && !date.isAfter(end);
                })
                .filter(log -> resources.isEmpty()
                        || resources.contains(log.path("detail").path("resourceType").asText())
                        || resources.contains(log.path("detail").path("permission").asText()))
                .filter(log -> {
                    String ns = log.path("detail").path("namespace").asText(null);
                    return namespace == null || (ns != null && (ns.equals(namespace) || ns.startsWith(namespace + ".")));
                })
                // Sorted by date only, as the API does: ties stay in the order the server holds them (a stable sort).
                .sorted(Comparator.comparing(log -> Instant.parse(log.path("date").asText())))
                .toList();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = body.putArray("results");
        matching.stream().skip((long) (page - 1) * size).limit(size).forEach(log -> {
            ObjectNode item = results.addObject();
            item.set("auditLog", log);
            ObjectNode apiUser = item.putObject("user");
            apiUser.put("id", log.path("userId").asText());
            apiUser.put("username", log.path("userId").asText() + "@kestra.io");
        });
        body.put("total", matching.size());
        return json(200, body.toString());
    }

    private static Integer integer(Request request, String name) {
        List<String> values = request.params(name);
        if (values.size() != 1) {
            return null;
        }
        try {
            return Integer.parseInt(values.get(0));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
