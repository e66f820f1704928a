package io.auditshipper.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonDeserializer;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.auditshipper.ShipperApp;
import io.auditshipper.UserRoutes;
import io.auditshipper.config.ConfigLoader;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.config.ShipperConfig;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Secret;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests in {@code k8s/}, checked offline the way a cluster checks them, and against the shipper itself.
 * Core objects go through Kubernetes' own Java client: its models are generated from the API's OpenAPI spec, and
 * their {@code validateJsonElement} refuses a field the API does not have and a required field that is missing;
 * reading the object into the model then checks the value types. The Camel K Integration is checked against the
 * {@code openAPIV3Schema} of Camel K's own CRD, strictly, as {@code kubectl apply --validate=strict} does: a field
 * the schema does not declare is an error.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Gson GSON = new GsonBuilder().registerTypeAdapter(OffsetDateTime.class,
            (JsonDeserializer<OffsetDateTime>) (json, type, context) -> OffsetDateTime.parse(json.getAsString())).create();

    /** A model's check of a JSON object: throws, naming the field, when the object does not fit. */
    private interface StructureCheck {
        void validate(JsonElement json) throws IOException;
    }

    private record CoreKind(Class<?> model, StructureCheck check) {
    }

    private static final Map<String, CoreKind> CORE_KINDS = Map.of(
            "v1/ConfigMap", new CoreKind(V1ConfigMap.class, V1ConfigMap::validateJsonElement),
            "v1/Secret", new CoreKind(V1Secret.class, V1Secret::validateJsonElement),
            "v1/PersistentVolumeClaim", new CoreKind(V1PersistentVolumeClaim.class, V1PersistentVolumeClaim::validateJsonElement),
            "apps/v1/Deployment", new CoreKind(V1Deployment.class, V1Deployment::validateJsonElement),
            "batch/v1/CronJob", new CoreKind(V1CronJob.class, V1CronJob::validateJsonElement));

    private static final String INTEGRATION = "camel.apache.org/v1/Integration";

    private static JsonSchema integrationSchema;
    /** Every document of k8s/*.yaml by kind and name, e.g. "Deployment/kestra-audit-shipper". */
    private static Map<String, JsonNode> manifests;

    @BeforeAll
    static void load() throws IOException {
        integrationSchema = strictIntegrationSchema();
        manifests = new TreeMap<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
                    while (documents.hasNext()) {
                        JsonNode document = documents.next();
                        manifests.put(document.path("kind").asText() + "/" + document.path("metadata").path("name").asText(), document);
                    }
                }
            }
        }
    }

    /** What a cluster would refuse in this manifest; empty when it would take it. */
    private static List<String> problems(JsonNode manifest) {
        String kind = manifest.path("apiVersion").asText() + "/" + manifest.path("kind").asText();
        if (kind.equals(INTEGRATION)) {
            return integrationSchema.validate(manifest).stream().map(ValidationMessage::getMessage).sorted().toList();
        }
        CoreKind core = CORE_KINDS.get(kind);
        if (core == null) {
            return List.of("no schema for " + kind);
        }
        JsonElement json = JsonParser.parseString(manifest.toString());
        try {
            core.check().validate(json);
            GSON.fromJson(json, core.model());
            return List.of();
        } catch (IOException | RuntimeException e) {
            return List.of(e.getMessage());
        }
    }

    @Test
    void everyManifestIsValidForItsApi() {
        assertThat(manifests.keySet()).containsExactlyInAnyOrder("ConfigMap/kestra-audit-shipper-config",
                "CronJob/kestra-audit-shipper", "Deployment/kestra-audit-shipper", "Integration/kestra-audit-shipper",
                "PersistentVolumeClaim/kestra-audit-shipper-state", "Secret/kestra-audit-shipper-secrets",
                "ConfigMap/kestra-audit-shipper-routes");
        manifests.forEach((name, manifest) -> assertThat(problems(manifest)).as(name).isEmpty());
    }

    @Test
    void theValidatorsRefuseWhatAClusterWouldRefuse() {
        ObjectNode typo = manifests.get("Deployment/kestra-audit-shipper").deepCopy();
        ((ObjectNode) typo.get("spec")).set("replica", typo.get("spec").get("replicas"));
        ObjectNode nameless = manifests.get("Deployment/kestra-audit-shipper").deepCopy();
        ((ObjectNode) container(nameless.get("spec").get("template"))).remove("name");
        ObjectNode wordy = manifests.get("CronJob/kestra-audit-shipper").deepCopy();
        ((ObjectNode) wordy.at("/spec/jobTemplate/spec")).put("backoffLimit", "twice");
        ObjectNode imagee = manifests.get("Integration/kestra-audit-shipper").deepCopy();
        ((ObjectNode) imagee.at("/spec/traits/container")).put("imagee", "x");
        ObjectNode oneVolume = manifests.get("Integration/kestra-audit-shipper").deepCopy();
        ((ObjectNode) oneVolume.at("/spec/traits/mount")).put("volumes", "kestra-audit-shipper-state:/var/lib/audit-shipper");

        assertThat(problems(typo)).singleElement().asString().contains("`replica`").contains("V1DeploymentSpec");
        assertThat(problems(nameless)).singleElement().asString().contains("required field `name`");
        assertThat(problems(wordy)).singleElement().asString().contains("twice");
        assertThat(problems(imagee)).singleElement().asString().contains("imagee");
        assertThat(problems(oneVolume)).singleElement().asString().contains("$.spec.traits.mount.volumes").contains("array");
    }

    @Test
    void theConfigMapsTaskPassesTheShippersOwnCheckWithTheExampleSecretMountedAsFiles(@TempDir Path secrets) throws IOException {
        Iterator<Map.Entry<String, JsonNode>> keys = manifests.get("Secret/kestra-audit-shipper-secrets").get("stringData").fields();
        while (keys.hasNext()) {
            Map.Entry<String, JsonNode> key = keys.next();
            Files.writeString(secrets.resolve(key.getKey()), key.getValue().asText());
        }
        String task = manifests.get("ConfigMap/kestra-audit-shipper-config").at("/data/shipper.yaml").asText();

        ShipperConfig config = new ConfigLoader(name -> null, secrets).parse(task, "k8s/configmap.yaml shipper.yaml");

        assertThat(config.exporters()).extracting(ExporterConfig::id).containsExactly("opensearch", "s3", "siem-kafka");
        assertThat(config.offsetStore().directory()).startsWithRaw(Path.of(stateMountPath()));
        assertThat(config.deadLetterDirectory()).startsWithRaw(Path.of(stateMountPath()));
    }

    @Test
    void theRoutesConfigMapLoadsBesideTheShippersRoutesAndServesTheConfigMapsCamelExporter(@TempDir Path dir) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        JsonNode files = manifests.get("ConfigMap/kestra-audit-shipper-routes").get("data");
        Iterator<Map.Entry<String, JsonNode>> keys = files.fields();
        while (keys.hasNext()) {
            Map.Entry<String, JsonNode> key = keys.next();
            assertThat(key.getKey()).endsWith(".yaml");
            Files.writeString(routes.resolve(key.getKey()), key.getValue().asText());
        }
        String task = manifests.get("ConfigMap/kestra-audit-shipper-config").at("/data/shipper.yaml").asText();
        ShipperConfig config = new ConfigLoader(name -> "x", dir).parse(task, "k8s/configmap.yaml shipper.yaml");

        ShipperApp.checkRoutes(config, UserRoutes.in(routes));

        String camelUri = config.exporters().stream().filter(e -> e.type() == ExporterType.CAMEL).findFirst().orElseThrow()
                .properties().get("uri").toString();
        assertThat(files.toString()).contains("uri: " + camelUri);
    }

    @Test
    void theDeploymentAndTheCronJobMountWhatExistsAndProbeTheShippersHealthEndpoints() {
        JsonNode deployment = manifests.get("Deployment/kestra-audit-shipper").at("/spec/template");
        JsonNode cronJob = manifests.get("CronJob/kestra-audit-shipper").at("/spec/jobTemplate/spec/template");
        for (JsonNode pod : List.of(deployment, cronJob)) {
            JsonNode container = container(pod);
            for (JsonNode volume : pod.at("/spec/volumes")) {
                if (volume.has("configMap")) {
                    assertThat(manifests).containsKey("ConfigMap/" + volume.at("/configMap/name").asText());
                } else if (volume.has("secret")) {
                    assertThat(manifests).containsKey("Secret/" + volume.at("/secret/secretName").asText());
                } else if (volume.has("persistentVolumeClaim")) {
                    assertThat(manifests).containsKey("PersistentVolumeClaim/" + volume.at("/persistentVolumeClaim/claimName").asText());
                }
            }
            List<String> args = args(pod);
            assertThat(args.get(args.indexOf("--config") + 1)).isEqualTo(mountPath(container, "config") + "/shipper.yaml");
            assertThat(args.get(args.indexOf("--routes") + 1)).isEqualTo(mountPath(container, "routes"));
            assertThat(mountPath(container, "secrets")).isEqualTo("/var/run/secrets/audit-shipper");
            assertThat(mountPath(container, "state")).isEqualTo(stateMountPath());
            assertThat(container.get("image").asText()).isEqualTo(image());
        }
        assertThat(manifests.get("Deployment/kestra-audit-shipper").at("/spec/strategy/type").asText()).isEqualTo("Recreate");
        assertThat(manifests.get("CronJob/kestra-audit-shipper").at("/spec/concurrencyPolicy").asText()).isEqualTo("Forbid");
        JsonNode shipper = container(deployment);
        assertThat(shipper.at("/ports/0/containerPort").asInt()).isEqualTo(managementPort());
        assertThat(shipper.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/observe/health/live");
        assertThat(shipper.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/observe/health/ready");
        assertThat(shipper.at("/livenessProbe/httpGet/port").asText()).isEqualTo(shipper.at("/ports/0/name").asText());
        assertThat(args(cronJob)).contains("--once");
    }

    @Test
    void theIntegrationRunsTheImagesJarWithTheSameConfigSecretsAndState() throws IOException {
        JsonNode traits = manifests.get("Integration/kestra-audit-shipper").at("/spec/traits");
        String dockerfile = Files.readString(K8S.resolve("Dockerfile"));
        Matcher copy = Pattern.compile("(?m)^COPY target/(\\S+) (\\S+)$").matcher(dockerfile);
        assertThat(copy.find()).as("Dockerfile COPY of the jar").isTrue();
        Matcher user = Pattern.compile("(?m)^USER (\\d+):").matcher(dockerfile);
        assertThat(user.find()).as("Dockerfile USER").isTrue();

        assertThat(copy.group(1)).isEqualTo("kestra-audit-shipper.jar");
        assertThat(traits.at("/jvm/jar").asText()).isEqualTo(copy.group(2));
        // Camel K starts java itself, not the image's ENTRYPOINT: its jvm options must be the ENTRYPOINT's JVM flags.
        List<String> entrypoint = new ArrayList<>();
        Matcher entrypointLine = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
        assertThat(entrypointLine.find()).as("Dockerfile ENTRYPOINT in exec form").isTrue();
        new ObjectMapper().readTree(entrypointLine.group(1)).forEach(word -> entrypoint.add(word.asText()));
        assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size())).containsExactly("-jar", copy.group(2));
        List<String> jvmFlags = entrypoint.subList(1, entrypoint.size() - 2);
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(jvmFlags).as("the JVM flags the README's memory figures were measured with")
                .contains("-XX:+UseParallelGC", "-Xmx80m");
        assertThat(traits.at("/jvm/options")).extracting(JsonNode::asText).containsExactlyElementsOf(jvmFlags);
        // The README's run command: the same flags, but the archive, which a local build makes only on request.
        String localFlags = String.join(" ", jvmFlags.stream()
                .filter(flag -> !flag.startsWith("-XX:SharedArchiveFile=")).toList());
        assertThat(Files.readString(Path.of("README.md"))).contains("java " + localFlags + " -jar target/kestra-audit-shipper.jar");
        assertThat(traits.at("/container/image").asText()).isEqualTo(image());
        assertThat(traits.at("/container/port").asInt()).isEqualTo(managementPort());
        assertThat(traits.at("/container/runAsUser").asInt()).isEqualTo(Integer.parseInt(user.group(1)))
                .isEqualTo(manifests.get("Deployment/kestra-audit-shipper").at("/spec/template/spec/securityContext/runAsUser").asInt());
        assertThat(traits.at("/deployment/strategy").asText()).isEqualTo("Recreate");
        assertThat(traits.at("/health/livenessProbe").asText()).isEqualTo("/observe/health/live");
        assertThat(traits.at("/health/readinessProbe").asText()).isEqualTo("/observe/health/ready");

        List<String> resources = new ArrayList<>();
        traits.at("/mount/resources").forEach(r -> resources.add(r.asText()));
        String configResource = "configmap:kestra-audit-shipper-config/shipper.yaml@";
        assertThat(manifests.get("ConfigMap/kestra-audit-shipper-config").at("/data/shipper.yaml").isTextual()).isTrue();
        assertThat(resources).anySatisfy(r -> assertThat(r).startsWith(configResource))
                .contains("secret:kestra-audit-shipper-secrets@/var/run/secrets/audit-shipper");
        String configPath = resources.stream().filter(r -> r.startsWith(configResource)).findFirst().orElseThrow()
                .substring(configResource.length());
        assertThat(traits.at("/environment/vars")).extracting(JsonNode::asText).contains("SHIPPER_CONFIG=" + configPath);
        String routesResource = resources.stream().filter(r -> r.startsWith("configmap:kestra-audit-shipper-routes@"))
                .findFirst().orElseThrow();
        assertThat(manifests).containsKey("ConfigMap/" + routesResource.substring("configmap:".length(), routesResource.indexOf('@')));
        assertThat(traits.at("/environment/vars")).extracting(JsonNode::asText)
                .contains("SHIPPER_ROUTES=" + routesResource.substring(routesResource.indexOf('@') + 1));
        assertThat(traits.at("/mount/volumes/0").asText()).isEqualTo("kestra-audit-shipper-state:" + stateMountPath());
        assertThat(manifests).containsKey("PersistentVolumeClaim/kestra-audit-shipper-state");
    }

    private static JsonNode container(JsonNode podTemplate) {
        return podTemplate.at("/spec/containers/0");
    }

    private static List<String> args(JsonNode podTemplate) {
        List<String> args = new ArrayList<>();
        container(podTemplate).get("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    private static String mountPath(JsonNode container, String volume) {
        for (JsonNode mount : container.get("volumeMounts")) {
            if (mount.get("name").asText().equals(volume)) {
                return mount.get("mountPath").asText();
            }
        }
        throw new AssertionError("no mount of volume " + volume);
    }

    private static String stateMountPath() {
        return mountPath(container(manifests.get("Deployment/kestra-audit-shipper").at("/spec/template")), "state");
    }

    private static String image() {
        return container(manifests.get("Deployment/kestra-audit-shipper").at("/spec/template")).get("image").asText();
    }

    /** The management port application.properties falls back to without SHIPPER_MANAGEMENT_PORT. */
    private static int managementPort() {
        Properties properties = new Properties();
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Matcher port = Pattern.compile("\\{\\{env:SHIPPER_MANAGEMENT_PORT:(\\d+)}}").matcher(properties.getProperty("camel.management.port"));
        assertThat(port.matches()).isTrue();
        return Integer.parseInt(port.group(1));
    }

    /**
     * The Integration CRD's v1 schema, made strict: every object schema that lists its properties and does not
     * keep unknown fields refuses others. The x-kubernetes-* markers are read and dropped (not JSON Schema).
     */
    private static JsonSchema strictIntegrationSchema() throws IOException {
        try (InputStream crd = KubernetesManifestsTest.class.getResourceAsStream("/camel.apache.org_integrations.yaml")) {
            assertThat(crd).as("camel.apache.org_integrations.yaml from org.apache.camel.k:camel-k-crds").isNotNull();
            for (JsonNode version : YAML.readTree(crd).at("/spec/versions")) {
                if (version.path("name").asText().equals("v1")) {
                    ObjectNode schema = version.at("/schema/openAPIV3Schema").deepCopy();
                    strict(schema);
                    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
                }
            }
        }
        throw new AssertionError("the Integration CRD has no v1 schema");
    }

    private static void strict(ObjectNode schema) {
        boolean keepsUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        List<String> markers = new ArrayList<>();
        schema.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("x-kubernetes-")) {
                markers.add(name);
            }
        });
        schema.remove(markers);
        if (schema.get("properties") instanceof ObjectNode properties) {
            if (!keepsUnknown && !schema.has("additionalProperties")) {
                schema.put("additionalProperties", false);
            }
            properties.elements().forEachRemaining(p -> strict((ObjectNode) p));
        }
        if (schema.get("additionalProperties") instanceof ObjectNode values) {
            strict(values);
        }
        if (schema.get("items") instanceof ObjectNode items) {
            strict(items);
        }
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            if (schema.get(combinator) instanceof ArrayNode alternatives) {
                alternatives.forEach(a -> strict((ObjectNode) a));
            }
        }
    }
}
