package io.auditshipper.pipeline;

import io.auditshipper.config.ShipperConfig;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.observe.ShipperMeters;
import io.auditshipper.offset.FileOffsetStore;
import io.auditshipper.source.AuditLogSource;
import io.auditshipper.source.Sources;
import io.auditshipper.support.ShipperFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PassPlannerTest {

    @TempDir
    Path dir;

    @Test
    void aFailedPassNamesWhatFailedNotCamelsWrapper() {
        java.sql.SQLException cause = new java.sql.SQLException("General error: \"java.lang.OutOfMemoryError\"");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        Throwable wrapped = new org.apache.camel.RuntimeCamelException(
                new org.apache.camel.CamelExchangeException("Exception occurred during execution on the exchange", exchange, cause));

        assertThat(PassPlanner.withoutCamelWrappers(wrapped)).isSameAs(cause);
        assertThat(PassPlanner.withoutCamelWrappers(cause)).isSameAs(cause);
    }

    /**
     * An exporter whose destination asked for 60 s (Retry-After) when it failed the pass is not tried on the passes of
     * the next 2 s (the task's maxDelay, which bounds the wait as it does for a retry in the pass), although the
     * backoff alone (initialDelay 50 ms) would have it due again at once; it is due again once maxDelay is over.
     */
    @Test
    void anExporterWhoseDestinationAskedForAWaitIsNotDueBeforeItWithinMaxDelay() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, Instant.parse("2026-11-20T12:00:00Z"));
        f.insert(List.of());
        ShipperConfig config = f.config(f.taskWith(""));
        try (AuditLogSource source = Sources.open(config); DefaultCamelContext camel = new DefaultCamelContext()) {
            PassPlanner planner = planner(f, config, source);
            Pass failed = openPass(planner, camel);
            failed.fail("file", "429 Too Many Requests", false, f.clock.instant().plusSeconds(60));
            planner.close(failed);

            f.clock.advance(Duration.ofSeconds(1));
            Pass tooSoon = openPass(planner, camel);
            planner.close(tooSoon);
            f.clock.advance(Duration.ofSeconds(1));
            Pass afterMaxDelay = openPass(planner, camel);
            planner.close(afterMaxDelay);

            assertThat(config.retry().maxDelay()).isEqualTo(Duration.ofSeconds(2));
            assertThat(tooSoon.isActive("file")).as("tried 1 s after a failure that asked for 60 s").isFalse();
            assertThat(afterMaxDelay.isActive("file")).as("still waiting past maxDelay").isTrue();
        }
    }

    /** The planner of the fixture's task with its "file" exporter, on the fixture's clock. */
    private PassPlanner planner(ShipperFixture f, ShipperConfig config, AuditLogSource source) {
        return new PassPlanner(config, source, new FileOffsetStore(dir.resolve("state"), "test"),
                new ShipperMeters(new SimpleMeterRegistry(), List.of("file"), f.clock), new RetryBudget(config.retry()), f.clock, f.retryWaits);
    }

    private static Pass openPass(PassPlanner planner, DefaultCamelContext camel) {
        Exchange exchange = new DefaultExchange(camel);
        planner.open(exchange);
        return exchange.getProperty(PassPlanner.PASS, Pass.class);
    }

    @Test
    void aSecondPassDoesNotStartWhileOneIsRunning() throws Exception {
        ShipperFixture f = new ShipperFixture("h2", dir, Instant.parse("2026-11-20T12:00:00Z"));
        f.insert(List.of());
        ShipperConfig config = f.config(f.taskWith(""));
        try (AuditLogSource source = Sources.open(config); DefaultCamelContext camel = new DefaultCamelContext()) {
            PassPlanner planner = planner(f, config, source);
            Exchange first = new DefaultExchange(camel);
            planner.open(first);

            assertThatThrownBy(() -> planner.open(new DefaultExchange(camel)))
                    .hasMessageContaining("a pass is already running");

            planner.close(first.getProperty(PassPlanner.PASS, Pass.class));
            Exchange third = new DefaultExchange(camel);
            planner.open(third);
            assertThat(third.getProperty(PassPlanner.PASS, Pass.class)).isNotNull();
            // The health check reads the last pass that ended, not the one in progress.
            assertThat(planner.lastPass()).isSameAs(first.getProperty(PassPlanner.PASS, Pass.class));
            planner.close(third.getProperty(PassPlanner.PASS, Pass.class));
            assertThat(planner.lastPass()).isSameAs(third.getProperty(PassPlanner.PASS, Pass.class));
        }
    }
}
