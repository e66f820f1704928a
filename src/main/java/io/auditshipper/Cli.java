package io.auditshipper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line: {@code [--config FILE] [--routes DIR] [--once] [--check] [--demo N] [--offsets]
 * [--set-offset E=T[/ID]]... [--verify [EXPORTER...] [--from T] [--to T]]}.
 */
record Cli(Path config, Path routes, boolean once, boolean check, int demo, boolean offsets, List<String> setOffsets,
           boolean verify, List<String> verifyExporters, Instant from, Instant to) {

    static final String USAGE = """
            usage: java -jar kestra-audit-shipper.jar [--config FILE] [--routes DIR] [--once] [--check] [--demo N]
                                                      [--offsets] [--set-offset EXPORTER=TIMESTAMP[/ID]]...
                                                      [--verify [EXPORTER...] [--from TIMESTAMP] [--to TIMESTAMP]]
              --config FILE  the Kestra flow or AuditLogShipper task YAML (default: $SHIPPER_CONFIG, else shipper.yaml
                             here, else built-in defaults)
              --routes DIR   also load every *.yaml Camel route file in DIR, after the built-in routes (default:
                             $SHIPPER_ROUTES, else none)
              --once         one catch-up pass, then exit: 0 when every exporter succeeded, 1 otherwise
              --check        validate the config, print what would run, and exit (2 on any error)
              --demo N       first write N synthetic audit logs into the (embedded H2) source
              --offsets      print each exporter's stored offset and lag, and exit
              --set-offset EXPORTER=TIMESTAMP[/ID]
                             set an exporter's offset (all=... sets every exporter's) under the offset store's
                             lock, and exit: it ships next what comes after; without /ID, the logs stamped
                             TIMESTAMP and later (repeatable)
              --verify [EXPORTER...]
                             compare the source's ids with what each exporter (default: all) holds, and exit: 0
                             when nothing is missing, 1 otherwise (file, S3, GCS, Azure Blob, Elasticsearch and
                             OpenSearch are read back; the others are reported skipped)
              --from TIMESTAMP, --to TIMESTAMP
                             with --verify, the range of logs to check, ISO-8601 instants (default: from now minus
                             lookbackPeriod to each exporter's stored offset)""";

    /** A command line that cannot be understood. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message + System.lineSeparator() + USAGE);
        }
    }

    static Cli parse(String... args) {
        return parse(System.getenv(), args);
    }

    /**
     * {@code SHIPPER_CONFIG} and {@code SHIPPER_ROUTES} stand in for {@code --config} and {@code --routes} where
     * the shipper is started without arguments (a Camel K Integration runs the jar as it is).
     */
    static Cli parse(Map<String, String> env, String... args) {
        Path config = null;
        Path routes = null;
        boolean once = false;
        boolean check = false;
        int demo = 0;
        boolean offsets = false;
        List<String> setOffsets = new ArrayList<>();
        boolean verify = false;
        List<String> verifyExporters = new ArrayList<>();
        Instant from = null;
        Instant to = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(value(args, ++i, "--config"));
                case "--routes" -> routes = Path.of(value(args, ++i, "--routes"));
                case "--once" -> once = true;
                case "--check" -> check = true;
                case "--demo" -> {
                    String n = value(args, ++i, "--demo");
                    try {
                        demo = Integer.parseInt(n);
                    } catch (NumberFormatException e) {
                        demo = -1;
                    }
                    if (demo <= 0) {
                        throw new UsageException("--demo: '" + n + "' must be a number of logs above 0, e.g. --demo 10000");
                    }
                }
                case "--offsets" -> offsets = true;
                case "--set-offset" -> setOffsets.add(value(args, ++i, "--set-offset"));
                case "--verify" -> {
                    verify = true;
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        verifyExporters.add(args[++i]);
                    }
                }
                case "--from" -> from = instant(value(args, ++i, "--from"), "--from");
                case "--to" -> to = instant(value(args, ++i, "--to"), "--to");
                case "--help", "-h" -> throw new UsageException("");
                default -> throw new UsageException("unknown argument '" + args[i] + "'");
            }
        }
        if (config == null && env.get("SHIPPER_CONFIG") != null && !env.get("SHIPPER_CONFIG").isBlank()) {
            config = Path.of(env.get("SHIPPER_CONFIG"));
        }
        if (routes == null && env.get("SHIPPER_ROUTES") != null && !env.get("SHIPPER_ROUTES").isBlank()) {
            routes = Path.of(env.get("SHIPPER_ROUTES"));
        }
        if (config == null && Files.exists(Path.of("shipper.yaml"))) {
            config = Path.of("shipper.yaml");
        }
        if (offsets && !setOffsets.isEmpty()) {
            throw new UsageException("--offsets and --set-offset go alone: --set-offset prints the offsets it set");
        }
        if ((from != null || to != null) && !verify) {
            throw new UsageException("--from and --to go with --verify");
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new UsageException("--from " + from + " is after --to " + to);
        }
        if (verify && (once || check || demo > 0 || offsets || !setOffsets.isEmpty())) {
            throw new UsageException("--verify goes alone (with --config, --from and --to)");
        }
        return new Cli(config, routes, once, check, demo, offsets, List.copyOf(setOffsets), verify,
                List.copyOf(verifyExporters), from, to);
    }

    private static Instant instant(String value, String option) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new UsageException(option + ": '" + value + "' is not an ISO-8601 instant such as 2026-11-20T10:00:00Z");
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }
}
