package io.auditshipper.exporter.encoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.config.ExporterType;
import io.auditshipper.model.AuditLogRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shape a record is shipped in, set by the exporter's {@code schema} property: {@code KESTRA} (the default,
 * the AuditLog JSON as stored), {@code OCSF} (Open Cybersecurity Schema Framework 1.8.0: Authentication, Account
 * Change or API Activity) or {@code ECS} (Elastic Common Schema 9.4, Kestra's own fields under {@code kestra.*}).
 * The record's id and timestamp stay those of the audit log; only its JSON changes. The mapping tables are in the
 * README ("Schemas").
 */
public enum RecordSchema {
    KESTRA {
        @Override
        public AuditLogRecord apply(AuditLogRecord record) {
            return record;
        }
    },
    OCSF {
        @Override
        public AuditLogRecord apply(AuditLogRecord record) {
            return new AuditLogRecord(record.id(), record.timestamp(), write(ocsf(record)));
        }
    },
    ECS {
        @Override
        public AuditLogRecord apply(AuditLogRecord record) {
            return new AuditLogRecord(record.id(), record.timestamp(), write(ecs(record)));
        }
    };

    public static final String PROPERTY = "schema";
    public static final String OCSF_VERSION = "1.8.0";
    public static final String ECS_VERSION = "9.4.0";
    /** The {@code schema} property every exporter takes. */
    private static final ExporterProperty<RecordSchema> SCHEMA = ExporterProperty.choice(PROPERTY, RecordSchema.class,
            "the shape each log is shipped in: Kestra's AuditLog JSON as stored, the default; OCSF " + OCSF_VERSION
                    + "; or ECS " + ECS_VERSION).orElse(KESTRA);
    /** Syslog ships CEF, its own schema built from the Kestra fields: only KESTRA (the default) is taken. */
    private static final ExporterProperty<RecordSchema> SYSLOG_SCHEMA = SCHEMA.where(schema -> schema == KESTRA,
            "for the Syslog exporter, which ships CEF (its own schema, see the CEF mapping)");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> AUTHENTICATION = Set.of("LOGIN", "LOGOUT", "LOGIN_FAILURE", "ACCOUNT_LOCKED");
    private static final Set<String> ACCOUNTS = Set.of("USER", "SERVICE_ACCOUNT");
    private static final Set<String> IAM = Set.of("USER", "SERVICE_ACCOUNT", "GROUP", "ROLE", "BINDING", "APITOKEN");
    private static final Pattern IPV4 = Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");

    /** The record as shipped in this schema (same id and timestamp). */
    public abstract AuditLogRecord apply(AuditLogRecord record);

    /** The {@code schema} property as exporters of {@code type} take it (refused, naming the allowed values, unless one of them). */
    public static ExporterProperty<RecordSchema> property(ExporterType type) {
        return type == ExporterType.SYSLOG ? SYSLOG_SCHEMA : SCHEMA;
    }

    /** The exporter's {@code schema}. */
    public static RecordSchema of(ExporterConfig config) {
        return property(config.type()).of(config);
    }

    // ---------------------------------------------------------------- OCSF

    static ObjectNode ocsf(AuditLogRecord record) {
        AuditFields f = fields(record);
        String type = f.type() == null ? "UNKNOWN" : f.type();
        String resource = f.resource() == null ? "UNKNOWN" : f.resource();
        ObjectNode out = JSON.createObjectNode();
        int category;
        int classUid;
        int activity;
        boolean failure = type.equals("LOGIN_FAILURE") || type.equals("ACCOUNT_LOCKED");
        String targetUser = text(f.log().path("detail").path("userId"));
        if (AUTHENTICATION.contains(type)) {
            category = 3;
            classUid = 3002;
            activity = type.equals("LOGOUT") ? 2 : 1;
        } else if (ACCOUNTS.contains(resource) && Set.of("CREATE", "UPDATE", "DELETE").contains(type)) {
            category = 3;
            classUid = 3001;
            activity = switch (type) {
                case "CREATE" -> 1;
                case "DELETE" -> 6;
                default -> 99;
            };
            targetUser = f.resourceId();
        } else if (resource.equals("BINDING") && targetUser != null && Set.of("CREATE", "DELETE").contains(type)) {
            category = 3;
            classUid = 3001;
            activity = type.equals("CREATE") ? 7 : 8;
        } else {
            category = 6;
            classUid = 6003;
            activity = switch (type) {
                case "CREATE" -> 1;
                case "READ" -> 2;
                case "UPDATE" -> 3;
                case "DELETE" -> 4;
                case "UNKNOWN" -> 0;
                default -> 99;
            };
        }
        out.put("category_uid", category);
        out.put("class_uid", classUid);
        out.put("activity_id", activity);
        out.put("type_uid", (long) classUid * 100 + activity);
        if (activity == 99) {
            out.put("activity_name", type);
        }
        int severity = severityId(f.cefSeverity());
        out.put("severity_id", severity);
        out.put("time", record.timestamp().toEpochMilli());
        out.put("message", f.summary());
        out.put("status_id", failure ? 2 : 1);
        if (type.equals("ACCOUNT_LOCKED")) {
            out.put("status_detail", "ACCOUNT_LOCKED_OUT");
        }
        ObjectNode metadata = out.putObject("metadata");
        metadata.put("uid", record.id());
        metadata.put("version", OCSF_VERSION);
        metadata.put("log_name", "audit");
        ObjectNode product = metadata.putObject("product");
        product.put("name", "Kestra");
        product.put("vendor_name", "Kestra");
        if (f.tenantId() != null) {
            metadata.put("tenant_uid", f.tenantId());
        }
        String date = text(f.log().path("date"));
        if (date != null) {
            metadata.put("original_time", date);
        }
        ObjectNode actor = out.putObject("actor");
        if (f.userId() != null) {
            ObjectNode user = actor.putObject("user");
            user.put("uid", f.userId());
            user.put("name", f.userId());
        } else {
            actor.put("app_name", "Kestra");
        }
        ObjectNode src = endpoint(f.ipAddress());
        if (src != null || classUid == 6003) {
            out.set("src_endpoint", src != null ? src : JSON.createObjectNode().put("name", "unknown"));
        }
        switch (classUid) {
            case 3002 -> {
                ObjectNode user = out.putObject("user");
                user.put("uid", f.userId() == null ? "unknown" : f.userId());
                user.put("name", f.userId() == null ? "unknown" : f.userId());
                out.putObject("service").put("name", "Kestra");
            }
            case 3001 -> {
                out.putObject("user").put("uid", targetUser == null ? "unknown" : targetUser);
                if (resource.equals("BINDING")) {
                    ObjectNode policy = out.putObject("policy");
                    policy.put("uid", f.resourceId() == null ? "unknown" : f.resourceId());
                    policy.put("name", "binding");
                }
            }
            default -> {
                ObjectNode api = out.putObject("api");
                api.put("operation", type);
                api.putObject("service").put("name", "Kestra");
                // A resource needs a uid or a name (OCSF's at_least_one): none without detail.id or flowId.
                String name = f.flowId() != null ? f.flowId() : f.resourceId();
                if (name != null) {
                    ObjectNode r = out.putArray("resources").addObject();
                    r.put("type", resource);
                    if (f.resourceId() != null) {
                        r.put("uid", f.resourceId());
                    }
                    r.put("name", name);
                    if (f.namespace() != null) {
                        r.put("namespace", f.namespace());
                    }
                }
            }
        }
        ObjectNode unmapped = out.putObject("unmapped");
        copyRest(f.log(), unmapped, Set.of("id", "date", "type", "userId"));
        if (src != null) {
            unmapped.remove("ipAddress");
        }
        return out;
    }

    /** CEF 0-10 to OCSF severity_id: 1 informational, 2 low, 3 medium, 4 high. */
    private static int severityId(int cef) {
        return cef <= 1 ? 1 : cef <= 3 ? 2 : cef <= 6 ? 3 : 4;
    }

    private static ObjectNode endpoint(String address) {
        if (address == null) {
            return null;
        }
        ObjectNode endpoint = JSON.createObjectNode();
        if (isIp(address)) {
            endpoint.put("ip", address);
            return endpoint;
        }
        return null;
    }

    // ---------------------------------------------------------------- ECS

    static ObjectNode ecs(AuditLogRecord record) {
        AuditFields f = fields(record);
        String type = f.type() == null ? "UNKNOWN" : f.type();
        String resource = f.resource() == null ? "UNKNOWN" : f.resource();
        ObjectNode out = JSON.createObjectNode();
        out.put("@timestamp", record.timestamp().toString());
        out.put("message", f.summary());
        out.putObject("ecs").put("version", ECS_VERSION);
        ObjectNode event = out.putObject("event");
        event.put("kind", "event");
        ArrayNode category = event.putArray("category");
        ArrayNode types = event.putArray("type");
        if (AUTHENTICATION.contains(type)) {
            category.add("authentication");
            types.add(switch (type) {
                case "LOGIN", "LOGIN_FAILURE" -> "start";
                case "LOGOUT" -> "end";
                default -> "info";
            });
        } else if (IAM.contains(resource) || type.equals("IMPERSONATE")) {
            category.add("iam");
            types.add(type.equals("IMPERSONATE") ? "admin" : type.equals("READ") ? "info" : crud(type, "change"));
            if (resource.equals("USER") || resource.equals("SERVICE_ACCOUNT")) {
                types.add("user");
            } else if (resource.equals("GROUP")) {
                types.add("group");
            }
        } else {
            category.add("configuration");
            types.add(crud(type, "change"));
        }
        event.put("action", type.toLowerCase(Locale.ROOT).replace('_', '-'));
        event.put("outcome", type.equals("LOGIN_FAILURE") || type.equals("ACCOUNT_LOCKED") ? "failure" : "success");
        event.put("id", record.id());
        event.put("severity", f.cefSeverity());
        event.put("provider", "kestra");
        event.put("module", "kestra");
        event.put("dataset", "kestra.audit");
        if (f.userId() != null) {
            ObjectNode user = out.putObject("user");
            user.put("id", f.userId());
            user.put("name", f.userId());
            if (f.impersonatedBy() != null) {
                user.putObject("changes").put("name", f.impersonatedBy());
            }
        }
        if (f.ipAddress() != null) {
            ObjectNode source = out.putObject("source");
            source.put("address", f.ipAddress());
            if (isIp(f.ipAddress())) {
                source.put("ip", f.ipAddress());
            }
        }
        ObjectNode audit = out.putObject("kestra").putObject("audit");
        copyRest(f.log(), audit, Set.of());
        // Patch values are of any JSON type: as text, so a dynamic mapping never clashes between two logs.
        for (String patch : new String[]{"appliedPatch", "revertPatch"}) {
            JsonNode value = audit.get(patch);
            if (value != null && !value.isTextual() && !value.isNull()) {
                audit.put(patch, value.toString());
            }
        }
        return out;
    }

    private static String crud(String type, String otherwise) {
        return switch (type) {
            case "CREATE" -> "creation";
            case "DELETE" -> "deletion";
            case "READ" -> "access";
            case "UPDATE" -> "change";
            default -> otherwise.equals("change") ? "info" : otherwise;
        };
    }

    // ---------------------------------------------------------------- shared

    private static AuditFields fields(AuditLogRecord record) {
        try {
            return AuditFields.of(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyRest(JsonNode log, ObjectNode into, Set<String> skip) {
        log.fields().forEachRemaining(field -> {
            if (!skip.contains(field.getKey())) {
                into.set(field.getKey(), field.getValue());
            }
        });
    }

    static boolean isIp(String address) {
        return IPV4.matcher(address).matches() || (IPV6.matcher(address).matches() && validIpv6(address));
    }

    private static boolean validIpv6(String address) {
        try {
            return java.net.InetAddress.getByName(address) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
