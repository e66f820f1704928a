package io.auditshipper.pipeline;

import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every exporter of a batch is served at once, however many there are: none waits for a thread another holds. */
class ExporterConcurrencyTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final int EXPORTERS = 12;

    @TempDir
    Path dir;

    @Test
    void twelveExportersAreInFlightTogether() throws Exception {
        // The intake answers a batch's requests only once all twelve are in: with fewer threads than exporters the
        // barrier would time out, and the exporters still waiting for a thread would fail the pass.
        CyclicBarrier allIn = new CyclicBarrier(EXPORTERS);
        AtomicBoolean tooFew = new AtomicBoolean();
        ExecutorService threads = Executors.newCachedThreadPool();
        try (FakeHttpIntake intake = new FakeHttpIntake(request -> {
            try {
                allIn.await(20, TimeUnit.SECONDS);
            } catch (TimeoutException | BrokenBarrierException e) {
                tooFew.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.of(202, "{}");
        }, null, threads)) {
            ShipperFixture f = ShipperFixture.h2With(dir, NOW,
                    new DemoAuditLogs(31).rows(50, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60)));
            // Twelve HTTP exporters (the seed flow's count) beside the fixture's file exporter.
            StringBuilder exporters = new StringBuilder();
            IntStream.range(0, EXPORTERS).forEach(i -> exporters.append("  - id: datadog").append(i)
                    .append("\n    type: io.kestra.plugin.ee.datadog.LogExporter\n    basePath: ").append(intake.baseUrl())
                    .append("\n    apiKey: key\n"));
            String task = f.taskWith(exporters.toString()).replace("  maxRetries: 3\n", "  maxRetries: 0\n");

            Pass pass = f.runOnce(f.config(task));

            assertThat(tooFew).as("a request waited for a thread").isFalse();
            assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
            assertThat(intake.requests()).hasSize(EXPORTERS);
        } finally {
            threads.shutdownNow();
        }
    }
}
