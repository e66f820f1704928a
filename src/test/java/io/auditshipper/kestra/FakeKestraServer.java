package io.auditshipper.kestra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;
import io.auditshipper.support.ShipperFixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.net.URLDecoder;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Kestra EE server, on 127.0.0.1 and a free port, as its OpenAPI spec (1.3.0) describes the two APIs the
 * shipper uses:
 * <ul>
 * <li>{@code GET /api/v1/{tenant}/auditlogs/search}: {@code page} (from 1) and {@code size} required,
 * {@code sort} (only {@code date:asc} accepted here), {@code startDate}/{@code endDate} (date-time,
 * inclusive, compared at the dates' full precision), {@code resources} (a list of ResourceType, one
 * comma-separated value as {@code style: form, explode: false} says; matched on {@code detail.resourceType} or
 * {@code detail.permission}), {@code namespace} (the namespace and its children, on {@code detail.namespace}).
 * Any other parameter, a parameter given twice, or a value that does not bind is a 400 with Micronaut's JSON
 * error body. Answers {@code PagedResults_AuditLogController.ApiAuditLogItem_}:
 * {@code {results: [{auditLog, user}], total}}, sorted by date only; logs that share a date stay in the order
 * they were added, unless {@link #shuffleTies} is set.</li>
 * <li>{@code GET|PUT|DELETE /api/v1/{tenant}/namespaces/{namespace}/kv/{key}}: GET answers 404 when the key
 * is absent, else {@code KVController.KvDetail} {@code {type, value, revision, updated}}, the value as the
 * stored string (type STRING), or, with {@link #kvAsObject}, parsed (type JSON) as Kestra does with a JSON
 * body it stored; PUT takes the value as a {@code text/plain} body.</li>
 * </ul>
 * <li>{@code GET /api/v1/configs}: {@code MiscController.EEConfiguration}, with {@link #version} as {@code version}.</li>
 * </ul>
 * A 1.x server ({@link #generation} 1, the default, version 1.3.0) also filters on {@code type}, one
 * {@code CrudEventType} of the 1.3.0 spec (a list does not bind: 400). A 2.x server ({@link #v2()}, version
 * 2.0.0-SNAPSHOT) answers the search as the 2.0 snapshot spec says: it takes only {@code page} and {@code size}
 * (both optional, 1 and 10), {@code sort} and {@code filters[<field>][<OP>]=value} (PHP-style, a list
 * comma-separated), and refuses anything else, the 1.x parameters included, with the same 400. The filters it
 * applies: {@code startDate} (GREATER_THAN_OR_EQUAL_TO, GREATER_THAN), {@code endDate} (LESS_THAN_OR_EQUAL_TO,
 * LESS_THAN), {@code namespace} (EQUALS, PREFIX: the namespace and its children), {@code resources} (IN, EQUALS),
 * {@code action} (IN, NOT_IN, EQUALS, NOT_EQUALS); another field of QueryFilter.Field or operation is a 400 too.
 * <p>
 * Every call needs {@code Authorization: Basic base64(user:password)} or {@code Authorization: Bearer token}
 * with the configured credentials, else 401. Every request is recorded ({@link #requests()}).
 * <p>
 * Modes for what a real server may do to a reader that pages through it, each off by default: ties in a new
 * order on every search ({@link #shuffleTies}), logs added or removed between searches ({@link #beforeSearch}),
 * a {@code total} that is wrong ({@link #total}), pages cut to a largest size ({@link #maxPageSize}), 429/503
 * answers with {@code Retry-After} ({@link #failNextSearches}), and searches that hang ({@link #hangNextSearches}).
 * Requests are answered concurrently, so a hung search does not hold the next one.
 */
public final class FakeKestraServer implements AutoCloseable {

    public static final String USER = "admin@kestra.io";
    public static final String PASSWORD = "kestra-password-123";
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

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-kestra");
        t.setDaemon(true);
        return t;
    });
    public final FakeHttpIntake http = new FakeHttpIntake(this::answer, null, threads);

    /** An audit log held, with its date parsed. */
    private record Held(JsonNode log, Instant date) {
        String id() {
            return log.path("id").asText();
        }
    }

    /** The audit logs held, in the order they were added. */
    private final List<Held> held = new ArrayList<>();
    /**
     * Whether {@link #held} is in date order (the logs were added so, as the benchmark loads them): a search then
     * finds its dates by binary search, as a database finds them in its index, instead of sorting every log.
     */
    private boolean inDateOrder = true;

    /** When set, logs sharing a date come in a new order on every search (drawn from this). */
    volatile Random shuffleTies;
    /** Called with each search before it is answered: a test adds or removes logs there. */
    volatile Consumer<Request> beforeSearch;
    /** The {@code total} answered, from the true one. */
    volatile LongUnaryOperator total = LongUnaryOperator.identity();
    /** When above 0, a larger {@code size} is silently cut to this (as Micronaut Data's max-page-size does). */
    volatile int maxPageSize;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failureStatus;
    private volatile String failureRetryAfter;
    private final AtomicInteger hangs = new AtomicInteger();
    private volatile Duration hangFor = Duration.ZERO;
    /** 1: the 1.3.0 search parameters; 2: the 2.0 snapshot's filters. */
    volatile int generation = 1;
    /** The {@code version} {@code /api/v1/configs} answers; null answers no version field. */
    volatile String version = "1.3.0";
    /** KV values as stored, by {@code tenant/namespace/key}. */
    final Map<String, String> kv = new ConcurrentHashMap<>();
    private final Map<String, Integer> revisions = new ConcurrentHashMap<>();
    private final Map<String, Instant> updated = new ConcurrentHashMap<>();
    /** Answer KV values as a parsed JSON object (type JSON), as Kestra does for JSON strings it stored. */
    volatile boolean kvAsObject;

    public FakeKestraServer() {
        this(USER, PASSWORD, TOKEN);
    }

    /** A server accepting basic auth with {@code user}/{@code password} and the Bearer {@code token}. */
    FakeKestraServer(String user, String password, String token) {
        this.user = user;
        this.password = password;
        this.token = token;
    }

    public String url() {
        return http.baseUrl();
    }

    /**
     * A task reading this server through the kestra source (pages of 100, batches of 300) into {@code f}'s file
     * exporter "file": {@code taskLines} go at the task's level, {@code sourceLines} (credentials, options) in its source.
     */
    String shipperTask(ShipperFixture f, String taskLines, String sourceLines) {
        return "type: io.kestra.plugin.ee.core.log.AuditLogShipper\noffsetKey: kestraOffsets\nchunk: 300\nsettleDelay: PT5S\n"
                + taskLines + "source:\n  type: kestra\n  url: " + url() + "\n  tenant: main\n  pageSize: 100\n" + sourceLines
                + "logExporters:\n" + f.fileExporterYaml("file");
    }

    /** This server as a Kestra 2.x: the 2.0 search filters only, version 2.0.0-SNAPSHOT. */
    public FakeKestraServer v2() {
        generation = 2;
        version = "2.0.0-SNAPSHOT";
        return this;
    }

    public void add(String auditLogJson) {
        JsonNode log;
        try {
            log = JSON.readTree(auditLogJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            Held next = new Held(log, OffsetDateTime.parse(log.path("date").asText()).toInstant());
            inDateOrder &= held.isEmpty() || !next.date().isBefore(held.get(held.size() - 1).date());
            held.add(next);
        }
    }

    /** Removes the log with this id (as retention or another shipper's delete would); whether it was held. */
    synchronized boolean remove(String id) {
        return held.removeIf(h -> h.id().equals(id));
    }

    /** The ids of the logs held now. */
    synchronized List<String> ids() {
        return held.stream().map(Held::id).toList();
    }

    /** The next {@code times} searches answer {@code status} with this {@code Retry-After} (null: none). */
    void failNextSearches(int times, int status, String retryAfter) {
        failureStatus = status;
        failureRetryAfter = retryAfter;
        failures.set(times);
    }

    /** The next {@code times} searches wait {@code duration} before they are answered. */
    void hangNextSearches(int times, Duration duration) {
        hangFor = duration;
        hangs.set(times);
    }

    List<Request> requests() {
        return http.requests();
    }

    /** The audit log searches received, in order. */
    public List<Request> searches() {
        return http.requests().stream().filter(r -> SEARCH.matcher(r.path()).matches()).toList();
    }

    /** An AuditLog (the spec's schema) as Kestra serializes it. */
    static String auditLog(String id, Instant date, String resourceType, String namespace) {
        return auditLog(id, date.toString(), resourceType, namespace);
    }

    static String auditLog(String id, String date, String resourceType, String namespace) {
        return auditLog(id, date, resourceType, namespace, "UPDATE");
    }

    /** With this action ({@code type}). */
    static String auditLog(String id, String date, String resourceType, String namespace, String action) {
        ObjectNode log = JSON.createObjectNode();
        log.put("tenantId", "main");
        log.put("id", id);
        log.put("type", action);
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

    /** The server's own answer; a test that injects failures wraps it. */
    Answer answer(Request request) {
        if (!authorized(request)) {
            return new Answer(401, Map.of("WWW-Authenticate", "Basic realm=\"Kestra\"",
                    "Content-Type", "application/json"), "{\"message\":\"Unauthorized\"}");
        }
        Matcher search = SEARCH.matcher(request.path());
        if (search.matches()) {
            return request.method().equals("GET") ? search(request) : error(405, "Method Not Allowed");
        }
        if (request.path().equals("/api/v1/configs")) {
            if (!request.method().equals("GET")) {
                return error(405, "Method Not Allowed");
            }
            ObjectNode configs = JSON.createObjectNode().put("uuid", "fake-kestra").put("edition", "EE");
            if (version != null) {
                configs.put("version", version);
            }
            configs.put("isBasicAuthInitialized", true).put("systemNamespace", "system");
            return json(200, configs.toString());
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

    /** The search parameters of the 1.3.0 spec this server implements; any other parameter is refused (400). */
    private static final Set<String> SEARCH_PARAMS = Set.of("page", "size", "sort", "startDate", "endDate", "resources",
            "namespace", "type");
    /** CrudEventType of the 1.3.0 spec (no UNKNOWN). */
    static final Set<String> CRUD_EVENT_TYPES = Set.of("READ", "CREATE", "UPDATE", "DELETE", "LOGIN", "LOGOUT",
            "IMPERSONATE", "LOGIN_FAILURE", "ACCOUNT_LOCKED");
    /** QueryFilter.Field of the 2.0 snapshot spec, as the filters name them (camelCase). */
    static final Set<String> FILTER_FIELDS = Set.of("q", "scope", "namespace", "kind", "labels", "tags", "metadata",
            "flowId", "flowRevision", "id", "assetId", "type", "created", "updated", "startDate", "endDate",
            "expirationDate", "state", "status", "email", "timeRange", "parentId", "triggerExecutionId", "triggerId",
            "triggerState", "executionId", "taskId", "taskRunId", "childFilter", "workerId", "existingOnly", "userId",
            "action", "resources", "details", "minLevel", "path", "parentPath", "version", "enabled", "username", "name",
            "group", "expiredAt");
    static final Set<String> FILTER_OPS = Set.of("EQUALS", "NOT_EQUALS", "GREATER_THAN", "LESS_THAN",
            "GREATER_THAN_OR_EQUAL_TO", "LESS_THAN_OR_EQUAL_TO", "IN", "NOT_IN", "STARTS_WITH", "ENDS_WITH", "CONTAINS",
            "REGEX", "PREFIX");
    private static final Pattern FILTER = Pattern.compile("filters\\[([^\\]]+)]\\[([^\\]]+)]");

    /** What a search asks for, from either generation's parameters. */
    private static final class Criteria {
        int page = 1;
        int size = 10;
        Instant start = Instant.MIN;
        boolean startExclusive;
        Instant end = Instant.MAX;
        boolean endExclusive;
        final List<String> resources = new ArrayList<>();
        String namespace;
        boolean namespaceExact;
        final List<String> actionsIn = new ArrayList<>();
        final List<String> actionsNotIn = new ArrayList<>();
    }

    private Answer search(Request request) {
        hangIfAsked();
        Answer failure = nextFailure();
        if (failure != null) {
            return failure;
        }
        Consumer<Request> hook = beforeSearch;
        if (hook != null) {
            hook.accept(request);
        }
        Object parsed = generation == 2 ? criteriaV2(request) : criteriaV1(request);
        if (parsed instanceof Answer refused) {
            return refused;
        }
        Criteria c = (Criteria) parsed;
        int page = c.page;
        int size = c.size;
        Instant start = c.start;
        Instant end = c.end;
        List<String> resources = c.resources;
        String namespace = c.namespace;
        int pageSize = maxPageSize > 0 ? Math.min(size, maxPageSize) : size;
        List<Held> matching;
        synchronized (this) {
            Comparator<Held> order = Comparator.comparing(Held::date);
            if (shuffleTies != null) {
                Map<Held, Integer> rank = new java.util.IdentityHashMap<>();
                held.forEach(h -> rank.put(h, shuffleTies.nextInt()));
                order = order.thenComparing(rank::get);
            }
            // Sorted by date only, as the API does: ties in the order the server holds them (a stable sort), or in
            // a new order on each request when shuffleTies is set.
            Stream<Held> byDate = inDateOrder && shuffleTies == null
                    ? held.subList(firstAtOrAfter(start), held.size()).stream().takeWhile(h -> !h.date().isAfter(end))
                    : held.stream().filter(h -> !h.date().isBefore(start) && !h.date().isAfter(end)).sorted(order);
            matching = byDate
                    .filter(h -> resources.isEmpty()
                            || resources.contains(h.log().path("detail").path("resourceType").asText())
                            || resources.contains(h.log().path("detail").path("permission").asText()))
                    .filter(h -> {
                        String ns = h.log().path("detail").path("namespace").asText(null);
                        return namespace == null || (ns != null && (ns.equals(namespace)
                                || (!c.namespaceExact && ns.startsWith(namespace + "."))));
                    })
                    .filter(h -> !(c.startExclusive && h.date().equals(start)) && !(c.endExclusive && h.date().equals(end)))
                    .filter(h -> {
                        String action = h.log().path("type").asText(null);
                        return (c.actionsIn.isEmpty() || c.actionsIn.contains(action))
                                && (action == null || !c.actionsNotIn.contains(action));
                    })
                    .toList();
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = body.putArray("results");
        matching.stream().skip((long) (page - 1) * pageSize).limit(pageSize).forEach(h -> {
            ObjectNode item = results.addObject();
            item.set("auditLog", h.log());
            ObjectNode apiUser = item.putObject("user");
            apiUser.put("id", h.log().path("userId").asText());
            apiUser.put("username", h.log().path("userId").asText() + "@kestra.io");
        });
        body.put("total", total.applyAsLong(matching.size()));
        return json(200, body.toString());
    }

    /** The 1.3.0 parameters: a {@link Criteria}, or the 400 {@link Answer}. */
    private Object criteriaV1(Request request) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : request.query() == null ? new String[0] : request.query().split("&")) {
            String name = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
            if (!SEARCH_PARAMS.contains(name)) {
                return badRequest(request, name, "Unknown or unsupported query parameter [" + name + "]");
            }
            // Every parameter is "style: form, explode: false": one occurrence, a list as comma-separated values.
            if (params.put(name, request.params(name).get(0)) != null) {
                return badRequest(request, name, "Parameter [" + name + "] given more than once; the spec sends a list "
                        + "as one comma-separated value (explode: false)");
            }
        }
        Integer page = integer(params.get("page"));
        Integer size = integer(params.get("size"));
        if (page == null || page < 1) {
            return badRequest(request, "page", "Failed to convert argument [page] for value [" + params.get("page")
                    + "]: a whole number of 1 or more is required");
        }
        if (size == null || size < 1) {
            return badRequest(request, "size", "Failed to convert argument [size] for value [" + params.get("size")
                    + "]: a whole number of 1 or more is required");
        }
        if (params.containsKey("sort") && !params.get("sort").equals("date:asc")) {
            return badRequest(request, "sort", "Unsupported sort [" + params.get("sort") + "]: this server sorts by date:asc");
        }
        Instant start;
        Instant end;
        try {
            start = params.containsKey("startDate") ? OffsetDateTime.parse(params.get("startDate")).toInstant() : Instant.MIN;
            end = params.containsKey("endDate") ? OffsetDateTime.parse(params.get("endDate")).toInstant() : Instant.MAX;
        } catch (DateTimeParseException e) {
            return badRequest(request, "startDate", "Failed to convert argument: " + e.getMessage());
        }
        List<String> resources = new ArrayList<>();
        if (params.containsKey("resources")) {
            for (String resource : params.get("resources").split(",")) {
                if (!RESOURCE_TYPES.contains(resource)) {
                    return badRequest(request, "resources", "Failed to convert argument [resources] for value ["
                            + params.get("resources") + "]: no ResourceType " + resource);
                }
                resources.add(resource);
            }
        }
        String namespace = params.get("namespace");
        if (params.containsKey("type") && !CRUD_EVENT_TYPES.contains(params.get("type"))) {
            return badRequest(request, "type", "Failed to convert argument [type] for value [" + params.get("type")
                    + "]: no CrudEventType " + params.get("type"));
        }
        Criteria c = new Criteria();
        c.page = page;
        c.size = size;
        c.start = start;
        c.end = end;
        c.resources.addAll(resources);
        c.namespace = namespace;
        if (params.containsKey("type")) {
            c.actionsIn.add(params.get("type"));
        }
        return c;
    }

    /** The 2.0 snapshot's parameters: page, size, sort, filters[field][OP]; a {@link Criteria}, or the 400 {@link Answer}. */
    private Object criteriaV2(Request request) {
        Criteria c = new Criteria();
        Set<String> seen = new java.util.HashSet<>();
        for (String pair : request.query() == null ? new String[0] : request.query().split("&")) {
            String name = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
            if (!seen.add(name)) {
                return badRequest(request, name, "Parameter [" + name + "] given more than once; the spec sends a list "
                        + "as one comma-separated value (explode: false)");
            }
            String value = request.params(name).get(0);
            if (name.equals("page") || name.equals("size")) {
                Integer n = integer(value);
                if (n == null || n < 1) {
                    return badRequest(request, name, "Failed to convert argument [" + name + "] for value [" + value
                            + "]: a whole number of 1 or more is required");
                }
                if (name.equals("page")) {
                    c.page = n;
                } else {
                    c.size = n;
                }
                continue;
            }
            if (name.equals("sort")) {
                if (!value.equals("date:asc")) {
                    return badRequest(request, "sort", "Unsupported sort [" + value + "]: this server sorts by date:asc");
                }
                continue;
            }
            Matcher f = FILTER.matcher(name);
            if (!f.matches()) {
                return badRequest(request, name, "Unknown or unsupported query parameter [" + name + "]");
            }
            String field = f.group(1);
            String op = f.group(2);
            if (!FILTER_FIELDS.contains(field) || !FILTER_OPS.contains(op)) {
                return badRequest(request, "filters", "Failed to convert argument [filters]: no QueryFilter field ["
                        + field + "] with operation [" + op + "]");
            }
            try {
                switch (field + " " + op) {
                    case "startDate GREATER_THAN_OR_EQUAL_TO", "startDate GREATER_THAN" -> {
                        c.start = OffsetDateTime.parse(value).toInstant();
                        c.startExclusive = op.equals("GREATER_THAN");
                    }
                    case "endDate LESS_THAN_OR_EQUAL_TO", "endDate LESS_THAN" -> {
                        c.end = OffsetDateTime.parse(value).toInstant();
                        c.endExclusive = op.equals("LESS_THAN");
                    }
                    case "namespace EQUALS", "namespace PREFIX" -> {
                        c.namespace = value;
                        c.namespaceExact = op.equals("EQUALS");
                    }
                    case "resources IN", "resources EQUALS" -> {
                        for (String resource : value.split(",")) {
                            if (!RESOURCE_TYPES.contains(resource)) {
                                return badRequest(request, "filters", "Failed to convert argument [filters]: no ResourceType " + resource);
                            }
                            c.resources.add(resource);
                        }
                    }
                    case "action IN", "action EQUALS", "action NOT_IN", "action NOT_EQUALS" -> {
                        List<String> actions = List.of(value.split(","));
                        for (String action : actions) {
                            if (!CRUD_EVENT_TYPES.contains(action) && !action.equals("UNKNOWN")) {
                                return badRequest(request, "filters", "Failed to convert argument [filters]: no action " + action);
                            }
                        }
                        (op.startsWith("NOT") ? c.actionsNotIn : c.actionsIn).addAll(actions);
                    }
                    default -> {
                        return badRequest(request, "filters", "Unsupported filter [" + field + "][" + op + "] for audit logs");
                    }
                }
            } catch (DateTimeParseException e) {
                return badRequest(request, "filters", "Failed to convert argument [filters]: " + e.getMessage());
            }
        }
        return c;
    }

    /** The index of the first log held dated at or after {@code start}, {@link #held} being in date order. */
    private int firstAtOrAfter(Instant start) {
        int lo = 0;
        int hi = held.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (held.get(mid).date().isBefore(start)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Micronaut's JSON error, as Kestra answers a parameter it cannot bind. */
    private static Answer badRequest(Request request, String parameter, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", "Bad Request");
        body.putObject("_links").putObject("self").put("href", request.path() + "?" + request.query()).put("templated", false);
        body.putObject("_embedded").putArray("errors").addObject().put("message", message).put("path", "/" + parameter);
        return json(400, body.toString());
    }

    private void hangIfAsked() {
        if (hangs.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            try {
                Thread.sleep(hangFor.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Answer nextFailure() {
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
            return null;
        }
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Content-Type", "application/json"));
        if (failureRetryAfter != null) {
            headers.put("Retry-After", failureRetryAfter);
        }
        return new Answer(failureStatus, headers, "{\"message\":\"" + (failureStatus == 429 ? "Too Many Requests"
                : "Service Unavailable") + "\"}");
    }

    private static Integer integer(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void close() {
        http.close();
        threads.shutdownNow();
    }
}
