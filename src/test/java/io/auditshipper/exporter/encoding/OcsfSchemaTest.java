package io.auditshipper.exporter.encoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code schema: OCSF} output checked against the OCSF 1.8.0 schema as released ({@code ../shared/reference/
 * ocsf-schema-1.8.0}: the event classes resolved through their {@code extends} chain, the objects through theirs,
 * the dictionary's types and enums), not against a hand-made copy: every attribute is defined for its class or
 * object, every required one present, enum values among the enum's keys, scalar types right, and nothing unknown
 * outside {@code unmapped}.
 */
class OcsfSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path OCSF = Path.of("..", "shared", "reference", "ocsf-schema-1.8.0");
    private static final Instant DATE = Instant.parse("2026-11-25T05:45:01.533852Z");

    private static JsonNode dictionary;
    private static JsonNode types;
    private static final Map<String, JsonNode> EVENTS = new HashMap<>();
    private static final Map<Integer, String> CLASSES = new HashMap<>();
    private static final Map<String, Integer> CATEGORIES = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        assertThat(OCSF.resolve("dictionary.json")).as("the OCSF 1.8.0 schema, expected at "
                + OCSF.toAbsolutePath().normalize() + " (shared/ beside the clone)").exists();
        dictionary = read(OCSF.resolve("dictionary.json")).path("attributes");
        types = read(OCSF.resolve("dictionary.json")).path("types").path("attributes");
        read(OCSF.resolve("categories.json")).path("attributes").fields()
                .forEachRemaining(c -> CATEGORIES.put(c.getKey(), c.getValue().path("uid").asInt()));
        try (Stream<Path> files = Files.walk(OCSF.resolve("events"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode event = read(file);
                EVENTS.put(event.path("name").asText(), event);
            }
        }
        for (String name : EVENTS.keySet()) {
            JsonNode event = EVENTS.get(name);
            if (event.has("uid")) {
                String category = null;
                for (JsonNode e : chain(name)) {
                    category = e.has("category") ? e.path("category").asText() : category;
                }
                if (category != null && CATEGORIES.containsKey(category)) {
                    CLASSES.put(CATEGORIES.get(category) * 1000 + event.path("uid").asInt(), name);
                }
            }
        }
        assertThat(CLASSES).containsKeys(3001, 3002, 6003);
    }

    @Test
    void everyShapeOfKestraAuditLogIsAValidOcsfEvent() throws Exception {
        List<AuditLogRecord> records = samples(DATE);
        Map<Integer, Integer> perClass = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (AuditLogRecord record : records) {
            AuditLogRecord shaped = RecordSchema.OCSF.apply(record);
            assertThat(shaped.id()).isEqualTo(record.id());
            assertThat(shaped.timestamp()).isEqualTo(record.timestamp());
            JsonNode event = JSON.readTree(shaped.json());
            int classUid = event.path("class_uid").asInt();
            perClass.merge(classUid, 1, Integer::sum);
            for (String problem : validate(event)) {
                problems.add(record.id() + ": " + problem + (problems.size() < 3 ? "\n    " + shaped.json() : ""));
            }
            assertThat(event.path("metadata").path("uid").asText()).isEqualTo(record.id());
            assertThat(event.path("time").asLong()).isEqualTo(record.timestamp().toEpochMilli());
        }
        assertThat(problems).isEmpty();
        assertThat(perClass).containsKeys(3001, 3002, 6003);
    }

    @Test
    void mapsKestraFieldsToTheirOcsfHomes() throws Exception {
        JsonNode login = JSON.readTree(RecordSchema.OCSF.apply(log("LOGIN_FAILURE", "USER", "{}", "10.0.0.7")).json());
        assertThat(login.path("class_uid").asInt()).isEqualTo(3002);
        assertThat(login.path("category_uid").asInt()).isEqualTo(3);
        assertThat(login.path("activity_id").asInt()).isEqualTo(1);
        assertThat(login.path("type_uid").asLong()).isEqualTo(300201);
        assertThat(login.path("status_id").asInt()).isEqualTo(2);
        assertThat(login.path("actor").path("user").path("uid").asText()).isEqualTo("alice@example.com");
        assertThat(login.path("src_endpoint").path("ip").asText()).isEqualTo("10.0.0.7");
        assertThat(login.path("metadata").path("product").path("name").asText()).isEqualTo("Kestra");
        assertThat(login.path("metadata").path("product").path("vendor_name").asText()).isEqualTo("Kestra");
        assertThat(login.path("metadata").path("version").asText()).isEqualTo("1.8.0");

        JsonNode delete = JSON.readTree(RecordSchema.OCSF.apply(log("DELETE", "FLOW",
                "{\"namespace\":\"company.team\",\"flowId\":\"hello\",\"revision\":3}", "10.0.0.7")).json());
        assertThat(delete.path("class_uid").asInt()).isEqualTo(6003);
        assertThat(delete.path("activity_id").asInt()).isEqualTo(4);
        assertThat(delete.path("api").path("operation").asText()).isEqualTo("DELETE");
        assertThat(delete.path("resources").get(0).path("type").asText()).isEqualTo("FLOW");
        assertThat(delete.path("resources").get(0).path("namespace").asText()).isEqualTo("company.team");
        assertThat(delete.path("unmapped").path("appliedPatch").isArray()).isTrue();
        assertThat(delete.path("unmapped").path("detail").path("revision").asInt()).isEqualTo(3);

        JsonNode user = JSON.readTree(RecordSchema.OCSF.apply(log("CREATE", "USER", "{}", "10.0.0.7")).json());
        assertThat(user.path("class_uid").asInt()).isEqualTo(3001);
        assertThat(user.path("activity_id").asInt()).isEqualTo(1);
        assertThat(user.path("user").path("uid").asText()).isEqualTo("res-1");
    }

    @Test
    void theValidatorCatchesWhatTheSchemaForbids() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(RecordSchema.OCSF.apply(log("DELETE", "FLOW", "{}", "10.0.0.7")).json());
        assertThat(validate(event)).isEmpty();
        ObjectNode broken = event.deepCopy();
        broken.put("tenantId", "main");
        broken.remove("api");
        broken.put("severity_id", 42);
        broken.put("time", "yesterday");
        ((ObjectNode) broken.path("metadata").path("product")).put("colour", "blue");
        ((ObjectNode) broken.path("src_endpoint")).put("ip", "not-an-ip");
        broken.put("type_uid", 600301);
        ((ObjectNode) broken.path("actor")).removeAll();
        assertThat(String.join("\n", validate(broken))).contains("tenantId: not an attribute of api_activity",
                "api: required by api_activity", "severity_id: 42 is not one of the enum's",
                "time: \"yesterday\" is not timestamp_t", "metadata.product.colour: not an attribute of object product",
                "src_endpoint.ip: \"not-an-ip\" is not an IP address", "type_uid 600301 is not",
                "actor.: object actor needs at_least_one of [process, user");
        broken = event.deepCopy();
        broken.put("activity_id", 7);
        broken.put("type_uid", 600307);
        assertThat(validate(broken)).singleElement().asString().startsWith("activity_id: 7 is not one of the enum");
    }

    // ------------------------------------------------------------------ the samples

    /** Demo logs and every action on every kind of resource, with IPv4, IPv6, a host name or no address. */
    static List<AuditLogRecord> samples(Instant date) {
        List<AuditLogRecord> records = new ArrayList<>();
        DemoAuditLogs demo = new DemoAuditLogs(7);
        for (int i = 0; i < 500; i++) {
            records.add(demo.row(date.plusSeconds(i)).log());
        }
        String[] types = {"CREATE", "READ", "UPDATE", "DELETE", "LOGIN", "LOGOUT", "IMPERSONATE", "LOGIN_FAILURE",
                "ACCOUNT_LOCKED", "UNKNOWN"};
        String[] resources = {"FLOW", "USER", "GROUP", "ROLE", "BINDING", "SERVICE_ACCOUNT", "TENANT", "UNKNOWN"};
        String[] ips = {"10.1.2.3", "2001:db8::7", "kestra.internal", null};
        int n = 0;
        for (String type : types) {
            for (String resource : resources) {
                String detail = resource.equals("BINDING") && n % 2 == 0 ? "{\"userId\":\"bob@example.com\"}" : "{}";
                records.add(log(type, resource, detail, ips[n++ % ips.length], date.plusMillis(n)));
            }
        }
        records.add(new AuditLogRecord("malformed-1", date,
                "{\"id\":\"malformed-1\",\"date\":\"" + date + "\",\"malformedValue\":\"not json\"}"));
        records.add(new AuditLogRecord("bare-1", date, "{\"id\":\"bare-1\",\"type\":\"LOGIN\"}"));
        return records;
    }

    private static AuditLogRecord log(String type, String resource, String extraDetail, String ip) {
        return log(type, resource, extraDetail, ip, DATE);
    }

    private static AuditLogRecord log(String type, String resource, String extraDetail, String ip, Instant date) {
        try {
            ObjectNode log = JSON.createObjectNode();
            String id = "id-" + type + "-" + resource;
            log.put("tenantId", "main");
            log.put("id", id);
            log.put("type", type);
            ObjectNode detail = (ObjectNode) JSON.readTree(extraDetail);
            detail.put("type", "io.kestra.ee.models." + resource.toLowerCase());
            detail.put("id", "res-1");
            detail.put("resourceType", resource);
            log.set("detail", detail);
            log.put("date", date.toString());
            log.put("userId", "alice@example.com");
            if (ip != null) {
                log.put("ipAddress", ip);
            }
            if (type.equals("IMPERSONATE")) {
                log.put("impersonatedBy", "root@example.com");
            }
            log.put("deleted", false);
            log.set("appliedPatch", JSON.readTree("[{\"op\":\"replace\",\"path\":\"/description\",\"value\":{\"a\":1}}]"));
            log.set("revertPatch", JSON.readTree("[{\"op\":\"replace\",\"path\":\"/description\",\"value\":\"x\"}]"));
            return new AuditLogRecord(id, date, log.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ the validator

    /** What is wrong with {@code event} against the OCSF class its {@code class_uid} names. */
    static List<String> validate(JsonNode event) {
        List<String> problems = new ArrayList<>();
        int classUid = event.path("class_uid").asInt(-1);
        String className = CLASSES.get(classUid);
        if (className == null) {
            return List.of("class_uid " + event.path("class_uid") + " is no OCSF 1.8.0 class");
        }
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        String category = null;
        JsonNode constraints = null;
        for (JsonNode e : chain(className)) {
            merge(attributes, e.path("attributes"));
            constraints = e.has("constraints") ? e.path("constraints") : constraints;
            category = e.has("category") ? e.path("category").asText() : category;
        }
        if (event.path("category_uid").asInt(-1) != CATEGORIES.get(category)) {
            problems.add("category_uid " + event.path("category_uid") + " is not " + category + "'s "
                    + CATEGORIES.get(category));
        }
        long typeUid = (long) classUid * 100 + event.path("activity_id").asInt();
        if (event.path("type_uid").asLong(-1) != typeUid) {
            problems.add("type_uid " + event.path("type_uid") + " is not class_uid * 100 + activity_id = " + typeUid);
        }
        checkObject(className, event, attributes, "", problems, true);
        checkConstraints(className, event, constraints, "", problems);
        return problems;
    }

    private static void checkObject(String owner, JsonNode value, Map<String, JsonNode> attributes, String path,
                                    List<String> problems, boolean isClass) {
        for (Map.Entry<String, JsonNode> attribute : attributes.entrySet()) {
            if ("required".equals(attribute.getValue().path("requirement").asText()) && !value.has(attribute.getKey())) {
                problems.add(path + attribute.getKey() + ": required by " + owner + ", missing");
            }
        }
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            String at = path + name;
            JsonNode local = attributes.get(name);
            if (local == null) {
                problems.add(at + ": not an attribute of " + owner);
                continue;
            }
            JsonNode global = dictionary.path(name);
            if (global.isMissingNode()) {
                problems.add(at + ": not in the OCSF dictionary");
                continue;
            }
            if (isClass && name.equals("unmapped")) {
                if (!field.getValue().isObject()) {
                    problems.add(at + ": unmapped is not an object");
                }
                continue;
            }
            String type = local.has("type") ? local.path("type").asText() : global.path("type").asText();
            boolean array = local.has("is_array") ? local.path("is_array").asBoolean() : global.path("is_array").asBoolean();
            Set<String> enumKeys = new HashSet<>();
            if (isClass && (name.equals("class_uid") || name.equals("category_uid"))) {
                // The dictionary's placeholder enum ("0"): the compiled schema puts the class's own value there,
                // which validate() checks exactly.
                checkValue(at, field.getValue(), type, Set.of(), problems);
                continue;
            }
            global.path("enum").fieldNames().forEachRemaining(enumKeys::add);
            local.path("enum").fieldNames().forEachRemaining(enumKeys::add);
            if (array) {
                if (!field.getValue().isArray()) {
                    problems.add(at + ": an array of " + type + " expected");
                    continue;
                }
                int i = 0;
                for (JsonNode item : field.getValue()) {
                    checkValue(at + "[" + i++ + "]", item, type, enumKeys, problems);
                }
            } else {
                checkValue(at, field.getValue(), type, enumKeys, problems);
            }
        }
    }

    private static void checkValue(String at, JsonNode value, String type, Set<String> enumKeys, List<String> problems) {
        if (!enumKeys.isEmpty() && !enumKeys.contains(value.asText())) {
            problems.add(at + ": " + value + " is not one of the enum's " + enumKeys);
        }
        if (type.endsWith("_t")) {
            String base = baseType(type);
            boolean ok = switch (base) {
                case "string_t" -> value.isTextual();
                case "integer_t" -> value.isInt();
                case "long_t" -> value.isIntegralNumber();
                case "float_t" -> value.isNumber();
                case "boolean_t" -> value.isBoolean();
                case "json_t" -> true;
                default -> false;
            };
            if (!ok) {
                problems.add(at + ": " + value + " is not " + type + " (" + base + ")");
            }
            JsonNode regex = types.path(type).path("regex");
            if (ok && value.isTextual() && regex.isTextual() && !type.equals("ip_t")
                    && !value.asText().matches(regex.asText())) {
                problems.add(at + ": " + value + " does not match " + type + "'s " + regex.asText());
            }
            if (type.equals("ip_t") && !RecordSchema.isIp(value.asText())) {
                problems.add(at + ": " + value + " is not an IP address");
            }
        } else if (type.equals("object")) {
            if (!value.isObject()) {
                problems.add(at + ": not an object");
            }
        } else {
            if (!value.isObject()) {
                problems.add(at + ": a " + type + " object expected");
                return;
            }
            checkObject("object " + type, value, objectAttributes(type), at + ".", problems, false);
            checkConstraints("object " + type, value, OBJECT_CONSTRAINTS.get(type), at + ".", problems);
        }
    }

    private static String baseType(String type) {
        String t = type;
        for (int i = 0; i < 5 && types.path(t).has("type"); i++) {
            t = types.path(t).path("type").asText();
        }
        return t;
    }

    /** OCSF's {@code at_least_one} and {@code just_one} constraints of a class or object (its own, else inherited). */
    private static void checkConstraints(String owner, JsonNode value, JsonNode constraints, String path,
                                         List<String> problems) {
        if (constraints == null) {
            return;
        }
        constraints.fields().forEachRemaining(c -> {
            long present = 0;
            List<String> names = new ArrayList<>();
            for (JsonNode name : c.getValue()) {
                names.add(name.asText());
                present += value.has(name.asText()) ? 1 : 0;
            }
            boolean ok = switch (c.getKey()) {
                case "at_least_one" -> present >= 1;
                case "just_one" -> present == 1;
                default -> true;
            };
            if (!ok) {
                problems.add(path + ": " + owner + " needs " + c.getKey() + " of " + names);
            }
        });
    }

    private static final Map<String, JsonNode> OBJECT_CONSTRAINTS = new HashMap<>();
    private static final Map<String, Map<String, JsonNode>> OBJECTS = new HashMap<>();

    private static Map<String, JsonNode> objectAttributes(String name) {
        return OBJECTS.computeIfAbsent(name, n -> {
            List<JsonNode> chain = new ArrayList<>();
            String current = n;
            while (current != null) {
                JsonNode object = read(OCSF.resolve("objects").resolve(current + ".json"));
                chain.add(0, object);
                current = object.has("extends") ? object.path("extends").asText() : null;
            }
            Map<String, JsonNode> attributes = new LinkedHashMap<>();
            chain.forEach(o -> merge(attributes, o.path("attributes")));
            chain.stream().filter(o -> o.has("constraints")).reduce((a, b) -> b)
                    .ifPresent(o -> OBJECT_CONSTRAINTS.put(n, o.path("constraints")));
            return attributes;
        });
    }

    /** The event class and its ancestors, base first. */
    private static List<JsonNode> chain(String name) {
        List<JsonNode> chain = new ArrayList<>();
        String current = name;
        while (current != null) {
            JsonNode event = EVENTS.get(current);
            assertThat(event).as("OCSF event " + current).isNotNull();
            chain.add(0, event);
            current = event.has("extends") ? event.path("extends").asText() : null;
        }
        return chain;
    }

    /** A child's attribute overrides its parent's keys; enums add up, as OCSF's compiler does. */
    private static void merge(Map<String, JsonNode> into, JsonNode attributes) {
        attributes.fields().forEachRemaining(a -> {
            if (a.getKey().equals("$include")) {
                return;
            }
            JsonNode parent = into.get(a.getKey());
            if (parent == null) {
                into.put(a.getKey(), a.getValue());
            } else {
                ObjectNode merged = parent.deepCopy();
                a.getValue().fields().forEachRemaining(f -> {
                    if (f.getKey().equals("enum") && merged.path("enum").isObject()) {
                        ((ObjectNode) merged.path("enum")).setAll((ObjectNode) f.getValue());
                    } else {
                        merged.set(f.getKey(), f.getValue());
                    }
                });
                into.put(a.getKey(), merged);
            }
        });
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }
}
