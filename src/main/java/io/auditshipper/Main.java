package io.auditshipper;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ConfigLoader;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.ExporterFactory;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.pipeline.Pass;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Entry point: reads the configuration, then checks it, or ships once, or ships on the schedule. */
public final class Main {

    static final int OK = 0;
    static final int SHIPPING_FAILED = 1;
    static final int BAD_CONFIG = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Cli cli;
        ShipperConfig config;
        UserRoutes userRoutes;
        try {
            cli = Cli.parse(args);
            config = load(cli);
            userRoutes = cli.routes() == null ? UserRoutes.NONE : UserRoutes.in(cli.routes());
        } catch (Cli.UsageException | ConfigException e) {
            printConfigErrors(e, err);
            return BAD_CONFIG;
        }
        if (cli.check()) {
            return check(config, userRoutes, out, err);
        }
        if (cli.verify()) {
            return new VerifyCommand(config, Clock.systemUTC(), out, err).run(cli.verifyExporters(), cli.from(), cli.to());
        }
        if (cli.offsets() || !cli.setOffsets().isEmpty()) {
            return new OffsetCommands(config, Clock.systemUTC(), out, err).run(cli.setOffsets());
        }
        CompletableFuture<Void> demo = CompletableFuture.completedFuture(null);
        try (ShipperApp app = new ShipperApp(config, Clock.systemUTC(), userRoutes)) {
            LOG.info("kestra audit shipper{}\n{}", cli.config() == null ? " (built-in defaults)" : " with " + cli.config(),
                    app.summary());
            if (cli.demo() > 0) {
                // Written while Camel starts; the pass waits for it.
                demo = DemoAuditLogs.writeInBackground(config, cli.demo());
            }
            if (!cli.once()) {
                demo.join();
                app.runScheduled();
                return OK;
            }
            Pass pass = app.runOnce(demo);
            if (pass.abortedBy() != null) {
                err.println("shipping failed: " + pass.abortedBy());
                return SHIPPING_FAILED;
            }
            return pass.allSucceeded() ? OK : SHIPPING_FAILED;
        } catch (Exception e) {
            // A user route refused while Camel starts comes wrapped in Camel's exceptions.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConfigException configError) {
                    printConfigErrors(configError, err);
                    return BAD_CONFIG;
                }
            }
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            err.println("shipping failed: " + SecretRedactor.redact(String.valueOf(root.getMessage())));
            LOG.debug("shipping failed", e);
            return SHIPPING_FAILED;
        } finally {
            // Camel refused to start: the demo's writer is not left running once the command is over.
            demo.exceptionally(e -> null).join();
        }
    }

    private static ShipperConfig load(Cli cli) {
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        if (cli.config() != null) {
            return loader.load(cli.config());
        }
        try (InputStream defaults = Main.class.getResourceAsStream("/default-shipper.yaml")) {
            return loader.parse(new String(defaults.readAllBytes(), StandardCharsets.UTF_8), "built-in defaults");
        } catch (IOException e) {
            throw new ConfigException("built-in defaults: " + e.getMessage());
        }
    }

    /** Validates what can be validated without shipping and prints what would run. */
    private static int check(ShipperConfig config, UserRoutes userRoutes, PrintStream out, PrintStream err) {
        List<String> exporters = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ExporterConfig exporter : config.exporters()) {
            try {
                exporters.add("  exporter " + exporter.id() + ": " + ExporterFactory.create(exporter,
                        new ExporterContext(config.deadLetterDirectory(), new RetryBudget(config.retry()),
                                new SimpleMeterRegistry())).describe());
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        try {
            ShipperApp.checkRoutes(config, userRoutes);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        } catch (Exception e) {
            problems.add("--routes: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            // OK only once every check passed: a script reading the first line must not take a broken config as good.
            printConfigErrors(new ConfigException(problems), err);
            return BAD_CONFIG;
        }
        out.println("configuration OK: offsetKey " + config.offsetKey() + ", source " + config.source().kind()
                .name().toLowerCase() + ", offsets in " + config.offsetStore().kind().name().toLowerCase()
                + ", schedule " + config.quartzCron());
        exporters.forEach(line -> out.println(SecretRedactor.redact(line)));
        userRoutes.files().forEach(file -> out.println("  routes " + file));
        return OK;
    }

    /** Configuration problems, one a line, redacted: what every command prints before exiting 2. */
    static void printConfigErrors(RuntimeException e, PrintStream err) {
        err.println("configuration error" + (e instanceof ConfigException c && c.problems().size() > 1 ? "s" : "")
                + ":" + System.lineSeparator() + indent(SecretRedactor.redact(e.getMessage())));
    }

    private static String indent(String text) {
        return "  " + text.strip().replace("\n", "\n  ");
    }
}
