package io.auditshipper.config;

import java.util.List;

/** A configuration that cannot run; each problem names the property and says how to fix it. */
public class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /**
     * A problem with exporter {@code exporterId}'s property {@code path} (null: with the exporter as a whole, e.g.
     * properties that go together), in the one shape every exporter error has: {@code logExporters.<id>.<path>: ...}.
     */
    public static ConfigException inExporter(String exporterId, String path, String problem) {
        return new ConfigException(exporterPath(exporterId, path) + ": " + problem);
    }

    /** Where exporter {@code exporterId}'s property {@code path} (null: the exporter itself) is set: {@code logExporters.<id>.<path>}. */
    static String exporterPath(String exporterId, String path) {
        return "logExporters." + exporterId + (path == null ? "" : "." + path);
    }

    public List<String> problems() {
        return problems;
    }
}
