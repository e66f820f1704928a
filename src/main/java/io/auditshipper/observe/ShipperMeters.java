package io.auditshipper.observe;

import io.auditshipper.model.Offset;
import io.auditshipper.pipeline.Pass;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shipper's own meters, per exporter (Prometheus names): {@code kestra_shipper_logs_shipped_total},
 * {@code kestra_shipper_export_failures_total} (batches given up after retries),
 * {@code kestra_shipper_retries_total}, {@code kestra_shipper_dead_lettered_logs_total}, {@code kestra_shipper_late_logs_total},
 * {@code kestra_shipper_logs_before_lookback_total}, {@code kestra_shipper_outside_window_logs_total{action}},
 * {@code kestra_shipper_lag_seconds} (how far the exporter's offset is behind the end of the last pass's
 * window) and {@code kestra_shipper_last_success_timestamp_seconds}; plus
 * {@code kestra_shipper_passes_total{outcome}}. They are served with Camel's at {@code /observe/metrics}.
 */
public final class ShipperMeters {

    private static final String EXPORTER = "exporter";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, AtomicLong> lagSeconds = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSuccessSeconds = new ConcurrentHashMap<>();

    public ShipperMeters(MeterRegistry registry, Collection<String> exporterIds, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        for (String id : exporterIds) {
            Gauge.builder("kestra.shipper.lag", lagSeconds.computeIfAbsent(id, k -> new AtomicLong()), AtomicLong::get)
                    .baseUnit("seconds").description("How far the exporter's offset is behind the end of the last pass's window")
                    .tag(EXPORTER, id).register(registry);
            Gauge.builder("kestra.shipper.last.success.timestamp", lastSuccessSeconds.computeIfAbsent(id, k -> new AtomicLong()),
                            AtomicLong::get)
                    .baseUnit("seconds").description("When the exporter last acknowledged a batch (epoch seconds)")
                    .tag(EXPORTER, id).register(registry);
            shippedCounter(id);
            late(registry, id);
            failureCounter(id);
            retries(registry, id);
            deadLettered(registry, id);
        }
    }

    /** Counts an exporter's retries of a request or batch. */
    public static Counter retries(MeterRegistry registry, String exporterId) {
        return Counter.builder("kestra.shipper.retries").description("Requests or batches sent again after a failure")
                .tag(EXPORTER, exporterId).register(registry);
    }

    /** Counts the logs an exporter parked in its dead-letter file. */
    public static Counter deadLettered(MeterRegistry registry, String exporterId) {
        return Counter.builder("kestra.shipper.dead.lettered.logs").description("Logs the destination rejected, parked in the dead-letter file")
                .tag(EXPORTER, exporterId).register(registry);
    }

    /**
     * Counts the logs outside the destination's documented time window (which it would drop without a word), by what
     * was done with them: {@code dead_lettered} or {@code timestamp_rewritten}.
     */
    public static Counter outsideWindow(MeterRegistry registry, String exporterId, String action) {
        return Counter.builder("kestra.shipper.outside.window.logs")
                .description("Logs outside the time window the destination keeps, dead-lettered or shipped with the shipping time")
                .tag(EXPORTER, exporterId).tag("action", action).register(registry);
    }

    public void acknowledged(String exporterId, long shipped, boolean late) {
        shippedCounter(exporterId).increment(shipped);
        if (late) {
            late(registry, exporterId).increment(shipped);
        }
        lastSuccessSeconds.get(exporterId).set(clock.instant().getEpochSecond());
    }

    /** At an exporter's first start: the logs before its lookback start, which it does not get. */
    public void olderThanTheLookback(String exporterId, long logs) {
        Counter.builder("kestra.shipper.logs.before.lookback").description("Logs older than the lookback at the exporter's first start, not shipped")
                .tag(EXPORTER, exporterId).register(registry).increment(logs);
    }

    /** The exporter's failed batch is sent again, in a catch-up stream of the pass. */
    public void retried(String exporterId) {
        retries(registry, exporterId).increment();
    }

    public void failed(String exporterId) {
        failureCounter(exporterId).increment();
    }

    /** At the end of each pass: the lag of every exporter, and the pass's outcome. */
    public void passEnded(Pass pass) {
        for (Map.Entry<String, AtomicLong> lag : lagSeconds.entrySet()) {
            // A pass that failed before it read the offsets knows no lag: the gauge keeps its last value.
            pass.offsets().of(lag.getKey()).map(Offset::timestamp).ifPresent(offset -> {
                Duration behind = Duration.between(offset, pass.until());
                lag.getValue().set(behind.isNegative() ? 0 : behind.getSeconds());
            });
        }
        Counter.builder("kestra.shipper.passes").description("Passes over the source, by outcome")
                .tag("outcome", pass.abortedBy() != null ? "aborted" : pass.allSucceeded() ? "succeeded" : "exporter_failed")
                .register(registry).increment();
    }

    private Counter shippedCounter(String exporterId) {
        return Counter.builder("kestra.shipper.logs.shipped").description("Logs the destination acknowledged")
                .tag(EXPORTER, exporterId).register(registry);
    }

    /** Of the logs shipped, those found behind the exporter's offset: committed after it had passed them. */
    public static Counter late(MeterRegistry registry, String exporterId) {
        return Counter.builder("kestra.shipper.late.logs").description("Logs committed late, found behind the offset and shipped")
                .tag(EXPORTER, exporterId).register(registry);
    }

    private Counter failureCounter(String exporterId) {
        return Counter.builder("kestra.shipper.export.failures").description("Batches given up after the retries")
                .tag(EXPORTER, exporterId).register(registry);
    }
}
