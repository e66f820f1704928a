package io.auditshipper.verify;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The {@code --verify} report of one exporter: a heading, then its findings, one a line, then the verdict. */
public final class ExporterReport {

    private final String heading;
    private final List<Finding> findings = new ArrayList<>();

    public ExporterReport(String heading) {
        this.heading = heading;
    }

    public ExporterReport add(Finding finding) {
        findings.add(finding);
        return this;
    }

    public List<Finding> findings() {
        return List.copyOf(findings);
    }

    public boolean fails() {
        return findings.stream().anyMatch(Finding::fails);
    }

    public void print(PrintStream out) {
        out.println(heading);
        findings.forEach(finding -> out.println(finding.line()));
        List<String> failing = findings.stream().filter(Finding::fails).map(f -> f.count() + " " + f.label()).toList();
        out.println("  " + (failing.isEmpty() ? "OK: every log of the source in the range is there"
                : "FAILED: " + String.join(", ", failing)));
    }
}
