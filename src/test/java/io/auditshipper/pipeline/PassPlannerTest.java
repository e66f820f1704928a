package io.auditshipper.pipeline;

import io.auditshipper.config.ShipperConfig;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Batch;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
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
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

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

    @Test
    void aPassOpenedAheadHasItsFirstBatchTakenBeforeTheRouteAsks() throws Exception {
        Instant now = Instant.parse("2026-11-20T12:00:00Z");
        ShipperFixture f = ShipperFixture.h2With(dir, now,
                new DemoAuditLogs(7).rows(1500, now.minusSeconds(3600), now.minusSeconds(60)));
        ShipperConfig config = f.config(f.taskWith(""));
        try (CountingSource source = new CountingSource(Sources.open(config)); DefaultCamelContext camel = new DefaultCamelContext()) {
            PassPlanner planner = planner(f, config, source);
            CompletableFuture<Void> sourceReady = new CompletableFuture<>();
            planner.openAhead(sourceReady);
            // Nothing is read before the source is ready (the demo's logs would be missed).
            Thread.sleep(200);
            assertThat(source.pages.get()).isZero();

            sourceReady.complete(null);
            // Without any route asking: the first batch (the first page of 700) is taken, so the read-ahead goes on
            // to the third page (two ahead of the one taken).
            await(() -> source.pages.get() == 3);
            assertThatThrownBy(() -> planner.openAhead(CompletableFuture.completedFuture(null)))
                    .hasMessageContaining("a pass is already running");

            Exchange route = new DefaultExchange(camel);
            Iterator<Batch> batches = planner.open(route);
            int shipped = 0;
            while (batches.hasNext()) {
                shipped += batches.next().records().size();
            }
            assertThat(shipped).isEqualTo(1500);
            planner.close(route.getProperty(PassPlanner.PASS, Pass.class));
        }
    }

    @Test
    void aPassOpenedAheadThatNoRouteTookIsClosedAndTheNextOneStarts() throws Exception {
        Instant now = Instant.parse("2026-11-20T12:00:00Z");
        ShipperFixture f = ShipperFixture.h2With(dir, now,
                new DemoAuditLogs(8).rows(100, now.minusSeconds(3600), now.minusSeconds(60)));
        ShipperConfig config = f.config(f.taskWith(""));
        try (AuditLogSource source = Sources.open(config); DefaultCamelContext camel = new DefaultCamelContext()) {
            PassPlanner planner = planner(f, config, source);
            planner.openAhead(CompletableFuture.completedFuture(null));
            // Camel did not start: the pass opened ahead is dropped having written nothing (not even the exporter's
            // first start), and does not hold the next one back.
            planner.dropOpenedAhead();
            assertThat(new FileOffsetStore(dir.resolve("state"), "test").load().of("file")).isEmpty();

            Exchange next = new DefaultExchange(camel);
            assertThat(planner.open(next).hasNext()).isTrue();
            planner.close(next.getProperty(PassPlanner.PASS, Pass.class));
        }
    }

    @Test
    void aPassThatFailedToOpenAheadFailsAtTheRouteAndReleasesTheNextOne() throws Exception {
        Instant now = Instant.parse("2026-11-20T12:00:00Z");
        ShipperFixture f = ShipperFixture.h2With(dir, now, List.of());
        ShipperConfig config = f.config(f.taskWith(""));
        try (AuditLogSource source = Sources.open(config); DefaultCamelContext camel = new DefaultCamelContext()) {
            PassPlanner planner = planner(f, config, source);
            planner.openAhead(CompletableFuture.failedFuture(new java.sql.SQLException("the demo could not write")));

            Exchange route = new DefaultExchange(camel);
            assertThatThrownBy(() -> planner.open(route))
                    .satisfies(e -> assertThat(PassPlanner.withoutCamelWrappers(e)).hasMessage("the demo could not write"));
            Exchange next = new DefaultExchange(camel);
            planner.open(next);
            assertThat(next.getProperty(PassPlanner.PASS, Pass.class)).isNotNull();
        }
    }

    @Test
    void aSourceThatFailsWhileThePassIsPlannedAheadFailsThePassAtTheRouteAfterItBegan() throws Exception {
        Instant now = Instant.parse("2026-11-20T12:00:00Z");
        ShipperFixture f = ShipperFixture.h2With(dir, now,
                new DemoAuditLogs(9).rows(100, now.minusSeconds(3600), now.minusSeconds(60)));
        ShipperConfig config = f.config(f.taskWith(""));
        try (CountingSource source = new CountingSource(Sources.open(config)); DefaultCamelContext camel = new DefaultCamelContext()) {
            source.failure = new IllegalStateException("the source went away");
            PassPlanner planner = planner(f, config, source);
            planner.openAhead(CompletableFuture.completedFuture(null));

            // The route opens the pass (it began: the exporter's first start is stored) and meets the failure when it
            // asks for the first batch, as it would have without the batch taken ahead.
            Exchange route = new DefaultExchange(camel);
            Iterator<Batch> batches = planner.open(route);
            assertThat(new FileOffsetStore(dir.resolve("state"), "test").load().of("file")).isPresent();
            assertThatThrownBy(batches::hasNext).hasMessage("the source went away");
            assertThat(batches.hasNext()).isFalse();
            planner.close(route.getProperty(PassPlanner.PASS, Pass.class));
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** The source, counting the pages read from it. */
    private static final class CountingSource implements AuditLogSource {
        private final AuditLogSource source;
        final AtomicInteger pages = new AtomicInteger();
        volatile RuntimeException failure;

        CountingSource(AuditLogSource source) {
            this.source = source;
        }

        @Override
        public Iterator<List<AuditLogRecord>> read(Offset after, Instant until) {
            Iterator<List<AuditLogRecord>> read = source.read(after, until);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return read.hasNext();
                }

                @Override
                public List<AuditLogRecord> next() {
                    if (failure != null) {
                        throw failure;
                    }
                    pages.incrementAndGet();
                    return read.next();
                }
            };
        }

        @Override
        public OffsetOrder order() {
            return source.order();
        }

        @Override
        public long countBefore(Instant before) {
            return source.countBefore(before);
        }

        @Override
        public long deleteUpTo(Offset upTo) {
            return source.deleteUpTo(upTo);
        }

        @Override
        public String describe() {
            return source.describe();
        }

        @Override
        public void close() {
            source.close();
        }
    }
}
