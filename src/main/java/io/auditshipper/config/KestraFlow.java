package io.auditshipper.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the AuditLogShipper task sits in what the user gave: a whole Kestra flow (the task among its
 * {@code tasks}, with the flow's namespace, {@code variables} and Schedule trigger around it), or the task alone,
 * as pasted from Kestra.
 *
 * @param task       the task's properties
 * @param path       the task's path in the file, prefixed to its properties' names in messages ({@code tasks[2].})
 * @param namespace  the flow's namespace, or null for a task alone
 * @param cron       the cron of the flow's first enabled Schedule trigger, or null
 * @param variables  the flow's variables, for {@code {{ vars.name }}}
 */
record KestraFlow(Map<String, Object> task, String path, String namespace, String cron, Map<String, Object> variables) {

    static final String TASK_TYPE = "io.kestra.plugin.ee.core.log.AuditLogShipper";

    /** Keys a Kestra flow may hold around the task; the shipper reads namespace, variables and triggers. */
    private static final Set<String> FLOW_KEYS = Set.of(
            "id", "namespace", "description", "labels", "inputs", "outputs", "variables", "tasks", "errors",
            "finally", "afterExecution", "listeners", "triggers", "pluginDefaults", "taskDefaults", "disabled",
            "deleted", "revision", "tenantId", "concurrency", "retry", "sla", "checks", "workerGroup");

    /** The task in {@code root}; a flow without one (or with two) is refused, naming what to change. */
    static KestraFlow unwrap(Map<String, Object> root, ConfigValues values) {
        if (!root.containsKey("tasks")) {
            return new KestraFlow(root, "", null, null, Map.of());
        }
        for (String key : root.keySet()) {
            if (!FLOW_KEYS.contains(key)) {
                values.problem(key + ": unknown flow property; a flow holds " + String.join(", ", FLOW_KEYS.stream().sorted().toList()));
            }
        }
        int index = shipperTaskIndex(root.get("tasks"), values);
        if (index < 0) {
            throw new ConfigException(values.problems().isEmpty()
                    ? List.of("tasks: no task of type " + TASK_TYPE + " in this flow; add one, or give the task alone")
                    : values.problems());
        }
        Map<String, Object> variables = root.get("variables") instanceof Map<?, ?> vars ? ConfigValues.asMap(vars) : Map.of();
        return new KestraFlow(ConfigValues.asMap(((List<?>) root.get("tasks")).get(index)), "tasks[" + index + "].",
                root.get("namespace") == null ? null : root.get("namespace").toString(),
                scheduleTriggerCron(root.get("triggers")), variables);
    }

    private static int shipperTaskIndex(Object tasks, ConfigValues values) {
        if (!(tasks instanceof List<?> list)) {
            values.problem("tasks: expected a list of tasks");
            return -1;
        }
        int found = -1;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> t && TASK_TYPE.equals(t.get("type"))) {
                if (found >= 0) {
                    values.problem("tasks[" + i + "]: a second " + TASK_TYPE + "; the shipper runs one, keep one per file");
                }
                found = i;
            }
        }
        return found;
    }

    private static String scheduleTriggerCron(Object triggers) {
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
}
