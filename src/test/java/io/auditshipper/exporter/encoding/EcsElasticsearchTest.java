package io.auditshipper.exporter.encoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.exporter.integrity.DocumentHash;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.SearchNode;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code schema: ECS} through the shipper's Elasticsearch exporter into a real Elasticsearch node holding the ECS
 * 9.4.0 composable templates as released ({@code ../shared/reference/ecs-9.4.0/generated/elasticsearch/composable}:
 * every component template, and an index template composing them) with {@code dynamic: strict} everywhere but
 * {@code kestra.*}: a field outside ECS, or a value of the wrong type, is refused by the node and fails the test.
 */
class EcsElasticsearchTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ECS = Path.of("..", "shared", "reference", "ecs-9.4.0", "generated", "elasticsearch",
            "composable");
    private static SearchNode node;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assertThat(ECS.resolve("template.json")).as("the ECS 9.4.0 templates, expected at "
                + ECS.toAbsolutePath().normalize() + " (shared/ beside the clone)").exists();
        node = SearchNode.elasticsearch();
        List<String> components = new ArrayList<>();
        try (Stream<Path> files = Files.list(ECS.resolve("component"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                String name = "ecs_9.4.0_" + file.getFileName().toString().replace(".json", "");
                JsonNode component = JSON.readTree(file.toFile());
                coreTypes(component);
                HttpResponse<String> answer = node.put("/_component_template/" + name, component.toString());
                assertThat(answer.statusCode()).as(name + ": " + answer.body()).isEqualTo(200);
                components.add(name);
            }
        }
        ObjectNode template = (ObjectNode) JSON.readTree(ECS.resolve("template.json").toFile());
        List<String> composed = new ArrayList<>();
        template.path("composed_of").forEach(c -> composed.add(c.asText()));
        assertThat(components).containsExactlyInAnyOrderElementsOf(composed);
        template.remove("_meta");
        template.putArray("index_patterns").add("kestra-ecs-*");
        // All of ECS in one index is a little over the sample's 3000 fields on this node.
        ((ObjectNode) template.path("template").path("settings").path("index").path("mapping").path("total_fields"))
                .put("limit", 5000);
        ObjectNode mappings = (ObjectNode) template.path("template").path("mappings");
        mappings.put("dynamic", "strict");
        ObjectNode kestra = mappings.putObject("properties").putObject("kestra");
        kestra.put("type", "object");
        kestra.put("dynamic", true);
        HttpResponse<String> answer = node.put("/_index_template/kestra-ecs", template.toString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    /**
     * The test node is Elasticsearch's integ-test distribution (Maven Central), which has the server's core field
     * types but not the mapper-extras and x-pack mapper modules. The few ECS types from those are swapped for the
     * core type that accepts the same JSON: match_only_text to text, wildcard and constant_keyword to keyword,
     * scaled_float to double, flattened to a disabled object (what any value is accepted as). Every field the ECS
     * shape writes other than {@code message} (text instead of match_only_text) keeps its declared type: keyword,
     * date, ip, long.
     */
    private static void coreTypes(JsonNode mapping) {
        if (mapping instanceof ObjectNode object) {
            JsonNode type = object.get("type");
            if (type != null && type.isTextual()) {
                switch (type.asText()) {
                    case "match_only_text" -> object.put("type", "text");
                    case "wildcard" -> object.put("type", "keyword");
                    case "constant_keyword" -> {
                        object.put("type", "keyword");
                        object.remove("value");
                    }
                    case "scaled_float" -> {
                        object.put("type", "double");
                        object.remove("scaling_factor");
                    }
                    case "flattened" -> {
                        object.removeAll();
                        object.put("type", "object");
                        object.put("enabled", false);
                    }
                    default -> {
                    }
                }
            }
            object.forEach(EcsElasticsearchTest::coreTypes);
        } else if (mapping != null && mapping.isArray()) {
            mapping.forEach(EcsElasticsearchTest::coreTypes);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everyLogIsAnEcsDocumentTheStrictEcsTemplatesAccept() throws Exception {
        String index = "kestra-ecs-audit";
        List<AuditLogRecord> records = OcsfSchemaTest.samples(NOW.minus(Duration.ofHours(3)));
        List<AuditLogTable.Row> rows = records.stream().map(r -> new AuditLogTable.Row(r, "main", "company", "FLOW")).toList();
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);

        Pass pass = f.runOnce(f.config(f.taskWith("  - id: ecs\n    type: io.kestra.plugin.ee.elasticsearch.LogExporter\n"
                + "    indexName: " + index + "\n    schema: ECS\n    tamperEvident: true\n    connection:\n      hosts:\n        - "
                + node.url() + "\n")
                .replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n")));

        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        Map<String, JsonNode> documents = node.documents(index);
        assertThat(documents).hasSize(records.size());
        for (AuditLogRecord record : records) {
            JsonNode doc = documents.get(record.id());
            assertThat(doc).as(record.id()).isNotNull();
            assertThat(doc.path("event").path("id").asText()).isEqualTo(record.id());
            assertThat(doc.path("event").path("kind").asText()).isEqualTo("event");
            // The record's SHA-256 in ECS's own field for it, checked on the source as the node keeps it.
            assertThat(doc.path("event.hash").asText()).hasSize(64);
            assertThat(DocumentHash.verify(node.get("/" + index + "/_source/" + record.id()).body())).isEqualTo(DocumentHash.Verdict.OK);
            assertThat(Instant.parse(doc.path("@timestamp").asText())).isEqualTo(record.timestamp());
            JsonNode log = JSON.readTree(record.json());
            if (log.has("userId")) {
                assertThat(doc.path("user").path("id").asText()).isEqualTo(log.path("userId").asText());
            }
            if (log.has("detail")) {
                assertThat(doc.path("kestra").path("audit").path("detail")).isEqualTo(log.path("detail"));
            }
        }
        // The node enforced ECS's own types: the mapping it built for these fields is the templates'.
        JsonNode mapping = JSON.readTree(node.get("/" + index + "/_mapping").body()).path(index).path("mappings");
        assertThat(mapping.path("dynamic").asText()).isEqualTo("strict");
        JsonNode properties = mapping.path("properties");
        assertThat(properties.path("@timestamp").path("type").asText()).isEqualTo("date");
        assertThat(properties.path("source").path("properties").path("ip").path("type").asText()).isEqualTo("ip");
        assertThat(properties.path("event").path("properties").path("severity").path("type").asText()).isEqualTo("long");
        assertThat(properties.path("event").path("properties").path("category").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("event").path("properties").path("hash").path("type").asText()).isEqualTo("keyword");
        // What the exporter added outside ECS would have been refused: the index really is strict.
        HttpResponse<String> refused = node.put("/" + index + "/_doc/probe", "{\"kestraTenant\":\"main\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("strict_dynamic_mapping_exception");
        HttpResponse<String> wrongType = node.put("/" + index + "/_doc/probe", "{\"source\":{\"ip\":\"kestra.internal\"}}");
        assertThat(wrongType.statusCode()).as(wrongType.body()).isEqualTo(400);
    }

    @Test
    void ecsValuesAreAmongTheAllowedValuesOfEcsFlat() throws Exception {
        // event.kind, event.category, event.type and event.outcome have allowed values in ecs_flat.yml.
        String flat = Files.readString(ECS.getParent().getParent().resolve("ecs").resolve("ecs_flat.yml"));
        for (AuditLogRecord record : OcsfSchemaTest.samples(NOW)) {
            JsonNode event = JSON.readTree(RecordSchema.ECS.apply(record).json()).path("event");
            for (String field : new String[]{"kind", "category", "type", "outcome"}) {
                JsonNode values = event.path(field);
                List<JsonNode> list = new ArrayList<>();
                if (values.isArray()) {
                    values.forEach(list::add);
                } else {
                    list.add(values);
                }
                for (JsonNode value : list) {
                    assertThat(allowed(flat, "event." + field)).as(record.id() + " event." + field).contains(value.asText());
                }
            }
            ArrayNode categories = (ArrayNode) event.path("category");
            for (JsonNode category : categories) {
                for (JsonNode type : event.path("type")) {
                    assertThat(expectedTypes(flat, category.asText())).as(record.id() + " " + category + "/" + type)
                            .contains(type.asText());
                }
            }
        }
    }

    /** The {@code allowed_values} names of a field in ecs_flat.yml. */
    private static List<String> allowed(String flat, String field) {
        String section = section(flat, field);
        List<String> names = new ArrayList<>();
        int at = section.indexOf("allowed_values:");
        for (String line : section.substring(Math.max(0, at)).split("\n")) {
            String t = line.trim();
            if (t.startsWith("name: ")) {
                names.add(t.substring(6).trim());
            }
        }
        return names;
    }

    /** The {@code expected_event_types} of one {@code event.category} value. */
    private static List<String> expectedTypes(String flat, String category) {
        String section = section(flat, "event.category");
        for (String entry : section.split("\n  - ")) {
            if (!entry.contains("\n    name: " + category + "\n") && !entry.endsWith("\n    name: " + category)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            boolean inTypes = false;
            for (String line : entry.split("\n")) {
                if (line.startsWith("    expected_event_types:")) {
                    inTypes = true;
                } else if (inTypes && line.startsWith("    - ")) {
                    names.add(line.substring(6).trim());
                } else {
                    inTypes = false;
                }
            }
            return names;
        }
        throw new AssertionError("event.category " + category + " is not in ecs_flat.yml");
    }

    private static String section(String flat, String field) {
        int at = flat.indexOf("\n" + field + ":\n");
        assertThat(at).as(field + " in ecs_flat.yml").isGreaterThanOrEqualTo(0);
        int end = flat.indexOf("\n", at + 1);
        java.util.regex.Matcher next = java.util.regex.Pattern.compile("\n[^ \n][^\n]*:\n").matcher(flat);
        return next.find(end) ? flat.substring(at, next.start()) : flat.substring(at);
    }
}
