package io.auditshipper.verify;

import java.util.List;

/**
 * One line of an exporter's {@code --verify} report: what was counted, how many, the first ids by name, and whether
 * a count above 0 fails the check (exit 1). A new check (e.g. a manifest chain or per-document hashes) adds its own
 * findings.
 */
public record Finding(String label, long count, List<String> ids, boolean failsWhenAny) {

    public Finding {
        ids = List.copyOf(ids);
    }

    public static Finding count(String label, long count) {
        return new Finding(label, count, List.of(), false);
    }

    public boolean fails() {
        return failsWhenAny && count > 0;
    }

    String line() {
        StringBuilder out = new StringBuilder(String.format("  %-10s %d", label, count));
        if (!ids.isEmpty()) {
            out.append(": ").append(String.join(", ", ids));
            if (count > ids.size()) {
                out.append(", ...");
            }
        }
        return out.toString();
    }
}
