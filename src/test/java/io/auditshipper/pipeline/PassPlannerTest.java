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
        try (Planning p = new Planning(0)) {
            Pass failed = p.openPass();
            failed.fail("file", "429 Too Many Requests", false, p.f.clock.instant().plusSeconds(60));
            p.planner.close(failed);

            p.f.clock.advance(Duration.ofSeconds(1));
            Pass tooSoon = p.openPass();
            p.planner.close(tooSoon);
            p.f.clock.advance(Duration.ofSeconds(1));
            Pass afterMaxDelay = p.openPass();
            p.planner.close(afterMaxDelay);

            assertThat(p.config.retry().maxDelay()).isEqualTo(Duration.ofSeconds(2));
            assertThat(tooSoon.isActive("file")).as("tried 1 s after a failure that asked for 60 s").isFalse();
            assertThat(afterMaxDelay.isActive("file")).as("still waiting past maxDelay").isTrue();
        }
    }

    @Test
    void aSecondPassDoesNotStartWhileOneIsRunning() throws Exception {
        try (Planning p = new Planning(0)) {
            Pass first = p.openPass();

            assertThatThrownBy(p::openPass).hasMessageContaining("a pass is already running");

            p.planner.close(first);
            Pass third = p.openPass();
            assertThat(third).isNotNull();
            // The health check reads the last pass that ended, not the one in progress.
            assertThat(p.planner.lastPass()).isSameAs(first);
            p.planner.close(third);
            assertThat(p.planner.lastPass()).isSameAs(third);
        }
    }

    @Test
    void aPassOpenedAheadHasItsFirstBatchTakenBeforeTheRouteAsks() throws Exception {
        try (Planning p = new Planning(1500)) {
            CompletableFuture<Void> sourceReady = new CompletableFuture<>();
            p.planner.openAhead(sourceReady);
            // Nothing is read before the source is ready (the demo's logs would be missed).
            Thread.sleep(200);
            assertThat(p.source.pages.get()).isZero();

            sourceReady.complete(null);
            // Without any route asking: the first batch (the first page of 700) is taken, so the read-ahead goes on
            // to the third page (two ahead of the one taken).
            await(() -> p.source.pages.get() == 3);
            assertThatThrownBy(() -> p.planner.openAhead(CompletableFuture.completedFuture(null)))
                    .hasMessageContaining("a pass is already running");

            Exchange route = p.exchange();
            Iterator<Batch> batches = p.planner.open(route);
            int shipped = 0;
            while (batches.hasNext()) {
                shipped += batches.next().records().size();
            }
            assertThat(shipped).isEqualTo(1500);
            p.planner.close(route.getProperty(PassPlanner.PASS, Pass.class));
        }
    }

    @Test
    void aPassOpenedAheadThatNoRouteTookIsClosedAndTheNextOneStarts() throws Exception {
        try (Planning p = new Planning(100)) {
            p.planner.openAhead(CompletableFuture.completedFuture(null));
            // Camel did not start: the pass opened ahead is dropped having written nothing (not even the exporter's
            // first start), and does not hold the next one back.
            p.planner.dropOpenedAhead();
            assertThat(p.storedOffset()).isEmpty();

            Exchange next = p.exchange();
            assertThat(p.planner.open(next).hasNext()).isTrue();
            p.planner.close(next.getProperty(PassPlanner.PASS, Pass.class));
        }
    }

    @Test
    void aPassThatFailedToOpenAheadFailsAtTheRouteAndReleasesTheNextOne() throws Exception {
        try (Planning p = new Planning(0)) {
            p.planner.openAhead(CompletableFuture.failedFuture(new java.sql.SQLException("the demo could not write")));

            assertThatThrownBy(p::openPass)
                    .satisfies(e -> assertThat(PassPlanner.withoutCamelWrappers(e)).hasMessage("the demo could not write"));
            assertThat(p.openPass()).isNotNull();
        }
    }

    @Test
    void aSourceThatFailsWhileThePassIsPlannedAheadFailsThePassAtTheRouteAfterItBegan() throws Exception {
        try (Planning p = new Planning(100)) {
            p.source.failure = new IllegalStateException("the source went away");
            p.planner.openAhead(CompletableFuture.completedFuture(null));

            // The route opens the pass (it began: the exporter's first start is stored) and meets the failure when it
            // asks for the first batch, as it would have without the batch taken ahead.
            Exchange route = p.exchange();
            Iterator<Batch> batches = p.planner.open(route);
            assertThat(p.storedOffset()).isPresent();
            assertThatThrownBy(batches::hasNext).hasMessage("the source went away");
            assertThat(batches.hasNext()).isFalse();
            p.planner.close(route.getProperty(PassPlanner.PASS, Pass.class));
        }
    }

    /**
     * A planner of the fixture's task with its "file" exporter, on the fixture's clock, over an H2 table holding
     * {@code logs} demo logs stamped in the hour before now, read through a {@link CountingSource}.
     */
    private final class Planning implements AutoCloseable {
        final ShipperFixture f;
        final ShipperConfig config;
        final CountingSource source;
        final PassPlanner planner;
        final DefaultCamelContext camel = new DefaultCamelContext();

        Planning(int logs) throws java.sql.SQLException {
            Instant now = Instant.parse("2026-11-20T12:00:00Z");
            f = ShipperFixture.h2With(dir, now, new DemoAuditLogs(logs).rows(logs, now.minusSeconds(3600), now.minusSeconds(60)));
            config = f.config(f.taskWith(""));
            source = new CountingSource(Sources.open(config));
            planner = new PassPlanner(config, source, new FileOffsetStore(dir.resolve("state"), "test"),
                    new ShipperMeters(new SimpleMeterRegistry(), List.of("file"), f.clock), new RetryBudget(config.retry()),
                    f.clock, f.retryWaits);
        }

        Exchange exchange() {
            return new DefaultExchange(camel);
        }

        /** Opens a pass as the pass route does; the pass. */
        Pass openPass() {
            Exchange exchange = exchange();
            planner.open(exchange);
            return exchange.getProperty(PassPlanner.PASS, Pass.class);
        }

        java.util.Optional<Offset> storedOffset() {
            return new FileOffsetStore(dir.resolve("state"), "test").load().of("file");
        }

        @Override
        public void close() throws Exception {
            source.close();
            camel.close();
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
