package io.auditshipper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line: {@code [--config FILE] [--routes DIR] [--once] [--check] [--demo N] [--offsets]
 * [--set-offset E=T[/ID]]...}.
 */
record Cli(Path config, Path routes, boolean once, boolean check, int demo, boolean offsets, List<String> setOffsets) {

    static final String USAGE = """
            usage: java -jar kestra-audit-shipper.jar [--config FILE] [--routes DIR] [--once] [--check] [--demo N]
                                                      [--offsets] [--set-offset EXPORTER=TIMESTAMP[/ID]]...
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
                             TIMESTAMP and later (repeatable)""";

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
        return new Cli(config, routes, once, check, demo, offsets, List.copyOf(setOffsets));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }
}
