package io.auditshipper.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.auditshipper.storage.IoReasons;
import org.quartz.CronExpression;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the shipper's configuration: a Kestra flow holding an AuditLogShipper task, or that task alone,
 * as pasted from Kestra. Collects every problem before failing, each naming its property and the fix.
 */
public final class ConfigLoader {

    public static final String TASK_TYPE = "io.kestra.plugin.ee.core.log.AuditLogShipper";
    /** Refuses a key given twice ({@code chunk: 10} then {@code chunk: 20}): which one was meant cannot be known. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_-]*");
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

    /** Keys a Kestra flow may hold around the task; the shipper reads namespace, variables and triggers. */
    private static final Set<String> FLOW_KEYS = Set.of(
            "id", "namespace", "description", "labels", "inputs", "outputs", "variables", "tasks", "errors",
            "finally", "afterExecution", "listeners", "triggers", "pluginDefaults", "taskDefaults", "disabled",
            "deleted", "revision", "tenantId", "concurrency", "retry", "sla", "checks", "workerGroup");

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
        return new Parse(asMap(root)).run();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    /** One parse: the problems found so far and the resolver for this file's variables. */
    private final class Parse {
        private final Map<String, Object> root;
        private final List<String> problems = new ArrayList<>();
        private TemplateResolver templates;

        Parse(Map<String, Object> root) {
            this.root = root;
        }

        ShipperConfig run() {
            Map<String, Object> task;
            String prefix;
            String flowNamespace = null;
            String flowCron = null;
            Map<String, Object> variables = Map.of();
            if (root.containsKey("tasks")) {
                for (String key : root.keySet()) {
                    if (!FLOW_KEYS.contains(key)) {
                        problems.add(key + ": unknown flow property; a flow holds " + String.join(", ", FLOW_KEYS.stream().sorted().toList()));
                    }
                }
                flowNamespace = root.get("namespace") == null ? null : root.get("namespace").toString();
                if (root.get("variables") instanceof Map<?, ?> vars) {
                    variables = asMap(vars);
                }
                flowCron = scheduleTriggerCron(root.get("triggers"));
                int index = shipperTaskIndex(root.get("tasks"));
                if (index < 0) {
                    throw new ConfigException(problems.isEmpty()
                            ? List.of("tasks: no task of type " + TASK_TYPE + " in this flow; add one, or give the task alone")
                            : problems);
                }
                task = asMap(((List<?>) root.get("tasks")).get(index));
                prefix = "tasks[" + index + "].";
            } else {
                task = root;
                prefix = "";
            }
            templates = new TemplateResolver(environment, secretsDirectory, variables, problems);
            ShipperConfig config = task(task, prefix, flowNamespace, flowCron);
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return config;
        }

        private int shipperTaskIndex(Object tasks) {
            if (!(tasks instanceof List<?> list)) {
                problems.add("tasks: expected a list of tasks");
                return -1;
            }
            int found = -1;
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> t && TASK_TYPE.equals(t.get("type"))) {
                    if (found >= 0) {
                        problems.add("tasks[" + i + "]: a second " + TASK_TYPE + "; the shipper runs one, keep one per file");
                    }
                    found = i;
                }
            }
            return found;
        }

        private String scheduleTriggerCron(Object triggers) {
            if (triggers instanceof List<?> list) {
                for (Object t : list) {
                    if (t instanceof Map<?, ?> trigger && String.valueOf(trigger.get("type")).endsWith(".Schedule")
                            && !Boolean.parseBoolean(String.valueOf(trigger.get("disabled"))) && trigger.get("cron") != null) {
                        return trigger.get("cron").toString();
                    }
                }
            }
            return null;
        }

        private ShipperConfig task(Map<String, Object> task, String p, String flowNamespace, String flowCron) {
            if (task.containsKey("type") && !TASK_TYPE.equals(task.get("type"))) {
                problems.add(p + "type: '" + task.get("type") + "' is not " + TASK_TYPE);
            }
            for (String key : task.keySet()) {
                if (!TASK_KEYS.contains(key) && !KESTRA_TASK_KEYS.contains(key)) {
                    problems.add(p + key + ": unknown property of the AuditLogShipper task; it takes "
                            + String.join(", ", TASK_KEYS.stream().sorted().toList()));
                }
            }
            List<String> resources = names(task.get("resources"), p + "resources", RESOURCES, "resource type", "[FLOW, EXECUTION]");
            List<String> types = names(task.get("types"), p + "types", ACTIONS, "audit action", "[CREATE, UPDATE, DELETE]");
            List<String> excludeTypes = names(task.get("excludeTypes"), p + "excludeTypes", ACTIONS, "audit action", "[READ]");
            Duration lookback = duration(task.get("lookbackPeriod"), p + "lookbackPeriod", Duration.ofDays(1));
            String offsetKey = string(task.get("offsetKey"), p + "offsetKey", "auditLogShipperOffset");
            if (!KV_KEY.matcher(offsetKey).matches()) {
                problems.add(p + "offsetKey: '" + offsetKey + "' is not a valid KV key; use letters, digits, '.', '_' and '-', starting with a letter or digit");
            }
            String namespace = string(task.get("namespace"), p + "namespace", null);
            boolean delete = bool(task.get("delete"), p + "delete", false);
            boolean verifyBeforeDelete = bool(task.get("verifyBeforeDelete"), p + "verifyBeforeDelete", true);
            // Logs per batch, committed together; each exporter still cuts its requests by its own chunk.
            int chunk = positive(task.get("chunk"), p + "chunk", 5000);
            Duration settle = duration(task.get("settleDelay"), p + "settleDelay", Duration.ofSeconds(5));
            Duration lateWindow = duration(task.get("lateArrivalWindow"), p + "lateArrivalWindow", Duration.ofMinutes(10));
            String cron = quartzCron(task.containsKey("schedule") ? string(task.get("schedule"), p + "schedule", null)
                    : flowCron, p + "schedule");
            RetryConfig retry = retry(task.get("backoff"), p + "backoff");
            SourceConfig source = source(task.get("source"), p + "source");
            if (delete && source.kind() == SourceConfig.Kind.KESTRA) {
                problems.add(p + "delete: the Kestra API has no endpoint to delete audit logs; set delete: false,"
                        + " or read the database with source.type: jdbc");
            }
            OffsetStoreConfig offsets = offsetStore(task.get("offsetStore"), p + "offsetStore", source, flowNamespace);
            List<ExporterConfig> exporters = exporters(task.get("logExporters"), p + "logExporters");
            Path deadLetters = Path.of(string(task.get("deadLetterDirectory"), p + "deadLetterDirectory", "./dead-letter"));
            return new ShipperConfig(flowNamespace, resources, lookback, offsetKey, namespace, delete, exporters,
                    source, offsets, cron, settle, lateWindow, chunk, retry, deadLetters, types, excludeTypes,
                    verifyBeforeDelete);
        }

        /** A list of names out of {@code known}: resource types, audit actions. */
        private List<String> names(Object value, String property, Set<String> known, String what, String example) {
            if (value == null) {
                return List.of();
            }
            if (!(value instanceof List<?> list)) {
                problems.add(property + ": expected a list of " + what + "s, e.g. " + example);
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (Object item : list) {
                String name = String.valueOf(item);
                if (!known.contains(name)) {
                    problems.add(property + ": unknown " + what + " '" + name + "'; use one of "
                            + String.join(", ", known.stream().sorted().toList()));
                } else {
                    out.add(name);
                }
            }
            return out;
        }

        private List<ExporterConfig> exporters(Object value, String property) {
            if (!(value instanceof List<?> list) || list.isEmpty()) {
                problems.add(property + ": at least one exporter is needed, e.g. - id: file, type: "
                        + ExporterType.FILE.kestraType());
                return List.of();
            }
            List<ExporterConfig> out = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String p = property + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> raw)) {
                    problems.add(p + ": expected a map with id and type");
                    continue;
                }
                Map<String, Object> entry = asMap(raw);
                String id = string(entry.get("id"), p + ".id", null);
                if (id == null) {
                    problems.add(p + ".id: missing; give each exporter an id such as 'file'");
                } else if (!ID.matcher(id).matches()) {
                    problems.add(p + ".id: '" + id + "' does not match ^[a-zA-Z0-9][a-zA-Z0-9_-]*; use letters, digits, '_' and '-'");
                } else if (!ids.add(id)) {
                    problems.add(p + ".id: duplicate exporter id '" + id + "'; ids must be unique");
                }
                String typeName = string(entry.get("type"), p + ".type", null);
                ExporterType type = typeName == null ? null : ExporterType.ofKestraType(typeName).orElse(null);
                if (type == null) {
                    problems.add(p + ".type: " + (typeName == null ? "missing" : "unknown exporter type '" + typeName + "'")
                            + "; use one of " + String.join(", ", java.util.Arrays.stream(ExporterType.values()).map(ExporterType::kestraType).toList()));
                    continue;
                }
                Map<String, Object> properties = new LinkedHashMap<>();
                collect(entry, "", p, type, properties);
                int chunk = positive(entry.get("chunk"), p + ".chunk", 1000);
                out.add(new ExporterConfig(id, type, chunk, properties));
            }
            return out;
        }

        /** Checks every property path against the type and resolves templates, flattening to dotted names. */
        private void collect(Map<String, Object> map, String path, String p, ExporterType type, Map<String, Object> out) {
            for (Map.Entry<String, Object> e : map.entrySet()) {
                String name = path + e.getKey();
                if (!type.accepts(name)) {
                    problems.add(p + "." + name + ": unknown property of " + type.kestraType());
                } else if (e.getValue() instanceof Map<?, ?> nested && !type.takesWhole(name)) {
                    collect(asMap(nested), name + ".", p, type, out);
                } else {
                    out.put(name, resolveAll(e.getValue(), p + "." + name));
                }
            }
        }

        private Object resolveAll(Object value, String property) {
            if (value instanceof String s) {
                return templates.resolve(s, property);
            }
            if (value instanceof List<?> list) {
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    out.add(resolveAll(list.get(i), property + "[" + i + "]"));
                }
                return out;
            }
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                asMap(map).forEach((k, v) -> out.put(k, resolveAll(v, property + "." + k)));
                return out;
            }
            return value;
        }

        private SourceConfig source(Object value, String p) {
            Section s = new Section(value, p, Set.of("type", "url", "username", "password", "apiToken", "tenant",
                    "table", "columns", "pageSize", "createTable", "connectTimeout", "requestTimeout", "apiVersion"));
            String kind = s.string("type", "jdbc").toUpperCase(Locale.ROOT);
            if (!kind.equals("JDBC") && !kind.equals("KESTRA")) {
                problems.add(p + ".type: '" + kind.toLowerCase(Locale.ROOT) + "' is not a source; use jdbc or kestra");
                kind = "JDBC";
            }
            SourceConfig.Kind k = SourceConfig.Kind.valueOf(kind);
            String url = s.string("url", k == SourceConfig.Kind.JDBC ? "jdbc:h2:file:./data/audit-logs" : null);
            if (url == null) {
                problems.add(p + ".url: missing; give the Kestra server's address, e.g. http://localhost:8080");
            } else if (k == SourceConfig.Kind.JDBC && !url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
                problems.add(p + ".url: '" + url + "' is neither an H2 (jdbc:h2:...) nor a PostgreSQL (jdbc:postgresql:...) URL");
            } else if (k == SourceConfig.Kind.KESTRA && !ExporterConfig.isHttpUrl(url)) {
                problems.add(p + ".url: '" + SecretRedactor.redact(url) + "' is not an http(s) URL with a host, e.g. http://localhost:8080");
            }
            SourceConfig.Columns columns = columns(s.raw("columns"), p + ".columns");
            String api = s.string("apiVersion", "AUTO").toUpperCase(Locale.ROOT);
            if (!Set.of("AUTO", "V1", "V2").contains(api)) {
                problems.add(p + ".apiVersion: '" + s.raw("apiVersion") + "' is not a Kestra API generation; use AUTO"
                        + " (found from the server), V1 (Kestra 1.x) or V2 (Kestra 2.x)");
                api = "AUTO";
            }
            return new SourceConfig(k, url, s.string("username", null), s.string("password", null),
                    s.string("apiToken", null), s.string("tenant", "main"), s.string("table", "audit_logs"), columns,
                    s.positive("pageSize", 5000), s.bool("createTable", url != null && url.startsWith("jdbc:h2:")),
                    timeout(s.raw("connectTimeout"), p + ".connectTimeout", SourceConfig.DEFAULT_CONNECT_TIMEOUT),
                    timeout(s.raw("requestTimeout"), p + ".requestTimeout", SourceConfig.DEFAULT_REQUEST_TIMEOUT),
                    SourceConfig.ApiVersion.valueOf(api));
        }

        private Duration timeout(Object value, String property, Duration fallback) {
            Duration d = duration(value, property, fallback);
            if (d.isZero()) {
                problems.add(property + ": must be more than zero, e.g. PT30S");
                return fallback;
            }
            return d;
        }

        private SourceConfig.Columns columns(Object value, String p) {
            SourceConfig.Columns d = SourceConfig.Columns.DEFAULT;
            Section s = new Section(value, p, Set.of("key", "value", "timestamp", "namespace", "resource", "tenant"));
            return new SourceConfig.Columns(s.string("key", d.key()), s.string("value", d.value()),
                    s.string("timestamp", d.timestamp()), s.string("namespace", d.namespace()),
                    s.string("resource", d.resource()), s.string("tenant", d.tenant()));
        }

        private OffsetStoreConfig offsetStore(Object value, String p, SourceConfig source, String flowNamespace) {
            Section s = new Section(value, p, Set.of("type", "directory", "url", "username", "password", "apiToken",
                    "tenant", "namespace", "table"));
            String fallback = source.kind() == SourceConfig.Kind.KESTRA ? "kestra" : "file";
            String kind = s.string("type", fallback).toUpperCase(Locale.ROOT);
            if (!Set.of("FILE", "JDBC", "KESTRA").contains(kind)) {
                problems.add(p + ".type: '" + kind.toLowerCase(Locale.ROOT) + "' is not an offset store; use file, jdbc or kestra");
                kind = "FILE";
            }
            OffsetStoreConfig.Kind k = OffsetStoreConfig.Kind.valueOf(kind);
            boolean inherits = (k == OffsetStoreConfig.Kind.JDBC && source.kind() == SourceConfig.Kind.JDBC)
                    || (k == OffsetStoreConfig.Kind.KESTRA && source.kind() == SourceConfig.Kind.KESTRA);
            String url = s.string("url", inherits ? source.url() : null);
            if (url == null && k != OffsetStoreConfig.Kind.FILE) {
                problems.add(p + ".url: missing; the " + kind.toLowerCase(Locale.ROOT) + " offset store needs the address of its store");
            } else if (s.raw("url") != null && k == OffsetStoreConfig.Kind.KESTRA && !ExporterConfig.isHttpUrl(url)) {
                problems.add(p + ".url: '" + SecretRedactor.redact(url) + "' is not an http(s) URL with a host, e.g. http://localhost:8080");
            }
            String namespace = s.string("namespace", flowNamespace == null ? "system" : flowNamespace);
            return new OffsetStoreConfig(k, Path.of(s.string("directory", "./state")), url,
                    s.string("username", inherits ? source.username() : null),
                    s.string("password", inherits ? source.password() : null),
                    s.string("apiToken", inherits ? source.apiToken() : null),
                    s.string("tenant", source.tenant()), namespace, s.string("table", "audit_shipper_offsets"));
        }

        private RetryConfig retry(Object value, String p) {
            RetryConfig d = RetryConfig.DEFAULT;
            Section s = new Section(value, p, Set.of("maxRetries", "initialDelay", "multiplier", "maxDelay"));
            int maxRetries = s.raw("maxRetries") == null ? d.maxRetries() : nonNegative(s.raw("maxRetries"), p + ".maxRetries");
            double multiplier = d.multiplier();
            if (s.raw("multiplier") != null) {
                try {
                    multiplier = Double.parseDouble(s.raw("multiplier").toString());
                } catch (NumberFormatException e) {
                    multiplier = -1;
                }
                if (multiplier < 1) {
                    problems.add(p + ".multiplier: '" + s.raw("multiplier") + "' must be a number of at least 1, e.g. 2");
                    multiplier = d.multiplier();
                }
            }
            return new RetryConfig(maxRetries, duration(s.raw("initialDelay"), p + ".initialDelay", d.initialDelay()),
                    multiplier, duration(s.raw("maxDelay"), p + ".maxDelay", d.maxDelay()));
        }

        private String quartzCron(String cron, String property) {
            if (cron == null) {
                return "0 * * * * ?";
            }
            String[] f = cron.trim().split("\\s+");
            String quartz = cron.trim();
            if (f.length == 5) {
                // Kestra (Unix) cron: minute hour day-of-month month day-of-week (0 = Sunday); Quartz adds
                // seconds, counts days of the week from 1 = Sunday and wants '?' in one of the day fields.
                String dow = f[4].equals("*") ? "?" : shiftDaysOfWeek(f[4]);
                String dom = f[4].equals("*") ? f[2] : "?";
                quartz = "0 " + f[0] + " " + f[1] + " " + dom + " " + f[3] + " " + dow;
            }
            if (!CronExpression.isValidExpression(quartz)) {
                problems.add(property + ": '" + cron + "' is not a valid cron expression; write 5 fields"
                        + " (minute hour day-of-month month day-of-week), e.g. '*/5 * * * *'");
                return "0 * * * * ?";
            }
            return quartz;
        }

        private String shiftDaysOfWeek(String field) {
            StringBuilder out = new StringBuilder();
            java.util.regex.Matcher m = Pattern.compile("\\d+").matcher(field);
            while (m.find()) {
                int day = Integer.parseInt(m.group()) % 7 + 1;
                m.appendReplacement(out, Integer.toString(day));
            }
            m.appendTail(out);
            return out.toString();
        }

        private String string(Object value, String property, String fallback) {
            if (value == null) {
                return fallback;
            }
            if (value instanceof Map || value instanceof List) {
                problems.add(property + ": expected a single value, not " + (value instanceof Map ? "a map" : "a list"));
                return fallback;
            }
            return templates == null ? value.toString() : templates.resolve(value.toString(), property);
        }

        private boolean bool(Object value, String property, boolean fallback) {
            if (value == null) {
                return fallback;
            }
            String s = value.toString();
            if (!s.equals("true") && !s.equals("false")) {
                problems.add(property + ": '" + s + "' is not a boolean; write true or false");
                return fallback;
            }
            return Boolean.parseBoolean(s);
        }

        private int positive(Object value, String property, int fallback) {
            if (value == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(value.toString());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problems.add(property + ": '" + value + "' must be a whole number above 0, e.g. " + fallback);
            return fallback;
        }

        private int nonNegative(Object value, String property) {
            try {
                int n = Integer.parseInt(value.toString());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problems.add(property + ": '" + value + "' must be a whole number of 0 or more");
            return 0;
        }

        private Duration duration(Object value, String property, Duration fallback) {
            if (value == null) {
                return fallback;
            }
            try {
                Duration d = Duration.parse(value.toString());
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException ignored) {
                // reported below
            }
            problems.add(property + ": '" + value + "' is not an ISO-8601 duration of 0 or more; write e.g. P1D, PT12H or PT5S");
            return fallback;
        }

        /** A map of the shipper's own settings, checked for unknown keys. */
        private final class Section {
            private final Map<String, Object> values;
            private final String path;

            Section(Object value, String path, Set<String> known) {
                this.path = path;
                if (value == null) {
                    values = Map.of();
                } else if (value instanceof Map<?, ?> map) {
                    values = asMap(map);
                    for (String key : values.keySet()) {
                        if (!known.contains(key)) {
                            problems.add(path + "." + key + ": unknown property; " + path + " takes "
                                    + String.join(", ", known.stream().sorted().toList()));
                        }
                    }
                } else {
                    problems.add(path + ": expected a map");
                    values = Map.of();
                }
            }

            Object raw(String key) {
                return values.get(key);
            }

            String string(String key, String fallback) {
                return Parse.this.string(values.get(key), path + "." + key, fallback);
            }

            int positive(String key, int fallback) {
                return Parse.this.positive(values.get(key), path + "." + key, fallback);
            }

            boolean bool(String key, boolean fallback) {
                return Parse.this.bool(values.get(key), path + "." + key, fallback);
            }
        }
    }
}
