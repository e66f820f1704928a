package io.auditshipper;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.ExporterFactory;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.retry.Sleeper;
import io.auditshipper.observe.PassHealthCheck;
import io.auditshipper.observe.ShipperMeters;
import io.auditshipper.offset.OffsetStore;
import io.auditshipper.offset.OffsetStores;
import io.auditshipper.pipeline.ExportAcknowledgements;
import io.auditshipper.pipeline.ExporterInbox;
import io.auditshipper.pipeline.OffsetCommitter;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.pipeline.PassPlanner;
import io.auditshipper.source.AuditLogSource;
import io.auditshipper.source.Sources;
import io.auditshipper.verify.VerifiedDelete;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Camel Main application for one configuration: binds the beans the YAML routes name, makes one
 * exporter route per configured exporter from the {@code processor-exporter} template, adds the user's
 * route files, and runs either one pass ({@code --once}) or the Quartz schedule until stopped.
 */
public final class ShipperApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShipperApp.class);
    /** Named one by one: a wildcard makes Camel scan every entry of the shaded jar, 4 s of each start. */
    private static final List<String> BUILT_IN_ROUTES = List.of("classpath:routes/schedule.yaml",
            "classpath:routes/pass.yaml", "classpath:routes/exporters.yaml");

    private final ShipperConfig config;
    private final AuditLogSource source;
    private final OffsetStore offsetStore;
    private final VerifiedDelete verifiedDelete;
    private final Map<String, LogExporter> exporters = new LinkedHashMap<>();
    private final PassPlanner planner;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ShipperMeters shipperMeters;
    private final RetryBudget retryBudget;
    private final UserRoutes userRoutes;
    private final Clock clock;

    public ShipperApp(ShipperConfig config, Clock clock) {
        this(config, clock, UserRoutes.NONE);
    }

    public ShipperApp(ShipperConfig config, Clock clock, UserRoutes userRoutes) {
        this(config, clock, userRoutes, Sleeper.THREAD);
    }

    /**
     * With how the exporters' retries, and the waits before a pass's catch-up streams, wait: a test records the waits
     * instead of sleeping through them.
     */
    public ShipperApp(ShipperConfig config, Clock clock, Sleeper retryWaits) {
        this(config, clock, UserRoutes.NONE, retryWaits);
    }

    private ShipperApp(ShipperConfig config, Clock clock, UserRoutes userRoutes, Sleeper retryWaits) {
        this.config = config;
        this.userRoutes = userRoutes;
        this.retryBudget = new RetryBudget(config.retry());
        ExporterContext context = new ExporterContext(config.deadLetterDirectory(), retryBudget, meters, clock, retryWaits);
        for (ExporterConfig exporter : config.exporters()) {
            exporters.put(exporter.id(), ExporterFactory.create(exporter, context));
        }
        this.source = Sources.open(config);
        this.offsetStore = OffsetStores.open(config);
        this.verifiedDelete = VerifiedDelete.of(config, source);
        this.shipperMeters = new ShipperMeters(meters, exporters.keySet(), clock);
        this.clock = clock;
        this.planner = new PassPlanner(config, source, offsetStore, shipperMeters, retryBudget, clock, retryWaits);
    }

    /** Startup summary: the source, the offset store and each exporter, redacted. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append("source:       ").append(source.describe());
        if (!config.resources().isEmpty() || config.namespace() != null) {
            out.append(" (resources ").append(config.resources().isEmpty() ? "all" : config.resources())
                    .append(", namespace ").append(config.namespace() == null ? "all" : config.namespace()).append(')');
        }
        out.append("\noffsets:      ").append(offsetStore.describe())
                .append("\nschedule:     ").append(config.quartzCron()).append(" (quartz), settle delay ")
                .append(config.settleDelay()).append(", lookback ").append(config.lookbackPeriod())
                .append(", batches of ").append(config.chunk()).append(config.delete() ? ", delete after export" : "");
        exporters.forEach((id, exporter) -> out.append("\nexporter ").append(String.format("%-12s", id + ":"))
                .append(' ').append(exporter.describe()));
        userRoutes.files().forEach(file -> out.append("\nroutes:       ").append(file));
        return SecretRedactor.redact(out.toString());
    }

    private Main camel(boolean scheduled) {
        Main main = new Main();
        main.addInitialProperty("shipper.scheduled", Boolean.toString(scheduled));
        // Health and metrics over HTTP (camel.management.* in application.properties) while on schedule only; with
        // --once nothing serves Camel's meters, and their binders (a Jandex index read, JVM meters) cost the start.
        main.addOverrideProperty("camel.management.enabled", Boolean.toString(scheduled));
        main.addOverrideProperty("camel.metrics.enabled", Boolean.toString(scheduled));
        main.configure().withRoutesIncludePattern(String.join(",", BUILT_IN_ROUTES));
        if (!scheduled) {
            // Not even created with --once: Quartz takes a while to start and is not needed.
            main.configure().withRoutesExcludePattern("**/schedule.yaml");
        }
        main.addInitialProperty("shipper.cron", config.quartzCron());
        main.bind("passPlanner", planner);
        main.bind("exporterInbox", new ExporterInbox(clock));
        main.bind("exportAcknowledgements", new ExportAcknowledgements());
        main.bind("offsetCommitter", new OffsetCommitter(offsetStore, source, config.delete(), verifiedDelete, shipperMeters));
        // Camel's metrics and the shipper's own share this registry, served at /observe/metrics.
        main.bind("prometheusMeterRegistry", meters);
        exporters.forEach((id, exporter) -> main.bind("exporter-" + id, exporter));
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport support) {
                CamelContext context = support.getCamelContext();
                HealthCheckRegistry.get(context).register(new PassHealthCheck(planner));
                context.getRegistry().bind("exporterThreads", context.getExecutorServiceManager()
                        .newFixedThreadPool(ShipperApp.this, "exporter", exporters.size()));
                try {
                    for (Map.Entry<String, LogExporter> exporter : exporters.entrySet()) {
                        exporter.getValue().bind(context);
                        addExporterRoute(context, exporter.getKey());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create the exporter routes", e);
                }
                userRoutes.addTo(context);
            }

            @Override
            public void beforeStop(BaseMainSupport support) {
                planner.stop();
            }
        });
        return main;
    }

    private static void addExporterRoute(CamelContext context, String exporterId) throws Exception {
        context.addRouteFromTemplate("export-" + exporterId, "processor-exporter", Map.of("exporterId", exporterId));
    }

    /**
     * For {@code --check}: loads the user's route files beside the shipper's routes into a Camel context that is
     * never started, so that they are refused as at a start, and nothing runs.
     */
    public static void checkRoutes(ShipperConfig config, UserRoutes userRoutes) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            for (String routes : BUILT_IN_ROUTES) {
                PluginHelper.getRoutesLoader(context).loadRoutes(PluginHelper.getResourceLoader(context).resolveResource(routes));
            }
            for (ExporterConfig exporter : config.exporters()) {
                addExporterRoute(context, exporter.id());
            }
            userRoutes.addTo(context);
        }
    }

    /** The registry served at /observe/metrics: Camel's meters and the shipper's kestra_shipper_*. */
    public MeterRegistry meters() {
        return meters;
    }

    /** One catch-up pass; the pass, or the exception that ended it. */
    public Pass runOnce() throws Exception {
        return runOnce(CompletableFuture.completedFuture(null));
    }

    /**
     * One catch-up pass, started once {@code sourceReady} is done (the demo's logs, written while Camel starts);
     * the pass, or the exception that ended it or {@code sourceReady}. The pass opens while Camel starts: its offsets
     * are read and its first pages fetched meanwhile.
     */
    public Pass runOnce(CompletableFuture<?> sourceReady) throws Exception {
        offsetStore.lock();
        planner.openAhead(sourceReady);
        try {
            Main main = camel(false);
            main.start();
            try {
                sourceReady.get();
                return main.getCamelContext().createProducerTemplate().requestBody("direct:pass", null, Pass.class);
            } finally {
                main.stop();
            }
        } finally {
            planner.dropOpenedAhead();
        }
    }

    /** Passes on the schedule until the JVM is told to stop (SIGTERM, Ctrl-C). */
    public void runScheduled() throws Exception {
        offsetStore.lock();
        LOG.info("shipping on schedule '{}'; stop with SIGTERM or Ctrl-C", config.quartzCron());
        Main main = camel(true);
        // The stop signals end the run as a finished one: Camel stops gracefully, run() returns and the shipper
        // exits 0. Left to the JVM, the signal starts its shutdown and the exit status is 143 even after a clean stop.
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> main.completed());
        }
        main.run();
    }

    @Override
    public void close() {
        verifiedDelete.close();
        source.close();
        offsetStore.close();
    }
}
