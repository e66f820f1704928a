package io.auditshipper.config;

import java.net.URI;
import java.util.Map;

/** One entry of {@code logExporters}: Kestra's id and type, and its properties with secrets resolved. */
public record ExporterConfig(String id, ExporterType type, int chunk, Map<String, Object> properties) {

    public String string(String name, String fallback) {
        Object value = properties.get(name);
        return value == null ? fallback : value.toString();
    }

    /** A property the exporter cannot run without; missing, it is a config error naming it with an example. */
    public String required(String name, String example) {
        String value = string(name, null);
        if (value == null || value.isBlank()) {
            throw new ConfigException("logExporters." + id + "." + name + ": required by " + type.kestraType()
                    + ", e.g. " + name + ": " + example);
        }
        return value;
    }

    /** A required http(s) URL: refused up front (at {@code --check} too) unless it is one, without printing its secrets. */
    public URI httpUrl(String name, String example) {
        String value = required(name, example);
        if (!ExporterProperty.isHttpUrl(value)) {
            throw new ConfigException("logExporters." + id + "." + name + ": '" + SecretRedactor.redact(value)
                    + "' is not an http(s) URL with a host, e.g. " + name + ": " + example);
        }
        return URI.create(value);
    }

    public int integer(String name, int fallback) {
        Object value = properties.get(name);
        return value == null ? fallback : Integer.parseInt(value.toString());
    }
}
