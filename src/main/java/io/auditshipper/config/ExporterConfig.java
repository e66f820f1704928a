package io.auditshipper.config;

import java.util.Map;

/**
 * One entry of {@code logExporters}: Kestra's id and type, and its properties with secrets resolved, as dotted
 * names; each destination reads them through its config record's {@link ExporterProperty} constants.
 */
public record ExporterConfig(String id, ExporterType type, int chunk, Map<String, Object> properties) {
}
