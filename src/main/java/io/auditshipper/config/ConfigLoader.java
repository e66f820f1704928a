package io.auditshipper.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.auditshipper.storage.IoReasons;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the shipper's configuration: a Kestra flow holding an AuditLogShipper task, or that task alone,
 * as pasted from Kestra ({@link KestraFlow}). Collects every problem before failing, each naming its property
 * and the fix ({@link ConfigValues}); the source, the offset store and the exporters have readers of their own.
 */
public final class ConfigLoader {

    public static final String TASK_TYPE = KestraFlow.TASK_TYPE;
    /** Refuses a key given twice ({@code chunk: 10} then {@code chunk: 20}): which one was meant cannot be known. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern KV_KEY = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]*");

    /** Resource types of the seed page and of Kestra 1.x's ResourceType. */
    static final Set<String> RESOURCES = Set.of(
            "FLOW", "BLUEPRINT", "TEMPLATE", "NAMESPACE", "EXECUTION", "USER", "GROUP", "ROLE", "BINDING",
            "AUDITLOG", "SECRET", "KVSTORE", "KV_STORE", "IMPERSONATE", "SETTING", "INFRASTRUCTURE", "APP",
            "APPEXECUTION", "APP_EXECUTION", "ME", "APITOKEN", "DASHBOARD", "TENANT", "TENANT_ACCESS", "UNKNOWN",
            "ASSET", "KILL_SWITCH", "INVITATION", "NAMESPACE_FILE", "SECURITY_INTEGRATION", "TRIGGER",
            "TESTSUITE", "TESTSUITE_RUN", "VERSIONED_PLUGIN", "CREDENTIAL", "WORKER_GROUP", "INSTANCE");

    /** Kestra's audit actions (the AuditLog's {@code type}, CrudEventType), as {@code types}/{@code excludeTypes} take them. */
    static final Set<String> ACTIONS = Set.of("READ", "CREATE", "UPDATE", "DELETE", "LOGIN", "LOGOUT", "IMPERSONATE",
            "LOGIN_FAILURE", "ACCOUNT_LOCKED", "UNKNOWN");

    /** Properties every Kestra task has; they mean nothing outside Kestra and are ignored. */
    private static final Set<String> KESTRA_TASK_KEYS = Set.of(
            "id", "type", "description", "disabled", "timeout", "retry", "allowFailure", "allowWarning",
            "logLevel", "logToFile", "workerGroup", "runIf", "version");

    private static final Set<String> TASK_KEYS = Set.of(
            "resources", "types", "excludeTypes", "lookbackPeriod", "offsetKey", "namespace", "delete", "logExporters",
            "source", "offsetStore", "schedule", "settleDelay", "lateArrivalWindow", "chunk", "backoff", "deadLetterDirectory",
            "verifyBeforeDelete");

    private final Function<String, String> environment;
    private final Path secretsDirectory;

    public ConfigLoader(Function<String, String> environment, Path secretsDirectory) {
        this.environment = environment;
        this.secretsDirectory = secretsDirectory;
    }

    public static ConfigLoader fromEnvironment() {
        String dir = System.getenv().getOrDefault("SHIPPER_SECRETS_DIR", "/var/run/secrets/audit-shipper");
        return new ConfigLoader(System::getenv, Path.of(dir));
    }

    public ShipperConfig load(Path file) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("--config: cannot read " + file + ": " + IoReasons.of(e));
        }
        return parse(yaml, file.toString());
    }

    public ShipperConfig parse(String yaml, String origin) {
        Object tree;
        try {
            tree = YAML.readValue(yaml, Object.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(origin + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (!(tree instanceof Map<?, ?> root)) {
            throw new ConfigException(origin + ": expected a Kestra flow or an AuditLogShipper task (a YAML map)");
        }
        return task(ConfigValues.asMap(root));
    }

    /** Reads the task's own properties; the sections each have a reader of their own. */
    private ShipperConfig task(Map<String, Object> root) {
        ConfigValues values = new ConfigValues();
        KestraFlow flow = KestraFlow.unwrap(root, values);
        values.resolveWith(new TemplateResolver(environment, secretsDirectory, flow.variables(), values.problems()));
        Map<String, Object> task = flow.task();
        String p = flow.path();
        if (task.containsKey("type") && !TASK_TYPE.equals(task.get("type"))) {
            values.problem(p + "type: '" + task.get("type") + "' is not " + TASK_TYPE);
        }
        for (String key : task.keySet()) {
            if (!TASK_KEYS.contains(key) && !KESTRA_TASK_KEYS.contains(key)) {
                values.problem(p + key + ": unknown property of the AuditLogShipper task; it takes "
                        + String.join(", ", TASK_KEYS.stream().sorted().toList()));
            }
        }
        List<String> resources = values.names(task.get("resources"), p + "resources", RESOURCES, "resource type", "[FLOW, EXECUTION]");
        List<String> types = values.names(task.get("types"), p + "types", ACTIONS, "audit action", "[CREATE, UPDATE, DELETE]");
        List<String> excludeTypes = values.names(task.get("excludeTypes"), p + "excludeTypes", ACTIONS, "audit action", "[READ]");
        Duration lookback = values.duration(task.get("lookbackPeriod"), p + "lookbackPeriod", Duration.ofDays(1));
        String offsetKey = values.string(task.get("offsetKey"), p + "offsetKey", "auditLogShipperOffset");
        if (!KV_KEY.matcher(offsetKey).matches()) {
            values.problem(p + "offsetKey: '" + offsetKey + "' is not a valid KV key; use letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        String namespace = values.string(task.get("namespace"), p + "namespace", null);
        boolean delete = values.bool(task.get("delete"), p + "delete", false);
        boolean verifyBeforeDelete = values.bool(task.get("verifyBeforeDelete"), p + "verifyBeforeDelete", true);
        // Logs per batch, committed together; each exporter still cuts its requests by its own chunk.
        int chunk = values.positive(task.get("chunk"), p + "chunk", 5000);
        Duration settle = values.duration(task.get("settleDelay"), p + "settleDelay", Duration.ofSeconds(5));
        Duration lateWindow = values.duration(task.get("lateArrivalWindow"), p + "lateArrivalWindow", Duration.ofMinutes(10));
        String cron = quartzCron(task.containsKey("schedule") ? values.string(task.get("schedule"), p + "schedule", null)
                : flow.cron(), p + "schedule", values);
        RetryConfig retry = retry(task.get("backoff"), p + "backoff", values);
        SourceConfig source = SourceConfigReader.read(task.get("source"), p + "source", values);
        if (delete && source.kind() == SourceConfig.Kind.KESTRA) {
            values.problem(p + "delete: the Kestra API has no endpoint to delete audit logs; set delete: false,"
                    + " or read the database with source.type: jdbc");
        }
        OffsetStoreConfig offsets = OffsetStoreConfigReader.read(task.get("offsetStore"), p + "offsetStore", source,
                flow.namespace(), values);
        List<ExporterConfig> exporters = ExporterConfigReader.read(task.get("logExporters"), p + "logExporters", values);
        Path deadLetters = Path.of(values.string(task.get("deadLetterDirectory"), p + "deadLetterDirectory", "./dead-letter"));
        if (!values.problems().isEmpty()) {
            throw new ConfigException(values.problems());
        }
        return new ShipperConfig(flow.namespace(), resources, lookback, offsetKey, namespace, delete, exporters,
                source, offsets, cron, settle, lateWindow, chunk, retry, deadLetters, types, excludeTypes,
                verifyBeforeDelete);
    }

    private static RetryConfig retry(Object value, String p, ConfigValues values) {
        RetryConfig d = RetryConfig.DEFAULT;
        ConfigValues.Section s = values.section(value, p, Set.of("maxRetries", "initialDelay", "multiplier", "maxDelay"));
        return new RetryConfig(s.nonNegative("maxRetries", d.maxRetries()), s.duration("initialDelay", d.initialDelay()),
                values.atLeast(s.raw("multiplier"), s.path("multiplier"), 1, d.multiplier()),
                s.duration("maxDelay", d.maxDelay()));
    }

    /** No schedule: every minute. */
    private static String quartzCron(String cron, String property, ConfigValues values) {
        if (cron == null) {
            return QuartzCron.EVERY_MINUTE;
        }
        try {
            return QuartzCron.of(cron);
        } catch (IllegalArgumentException e) {
            values.problem(property + ": '" + cron + "' " + e.getMessage());
            return QuartzCron.EVERY_MINUTE;
        }
    }
}
