package io.auditshipper.exporter;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one judge of a destination's time window, and what an exporter does with the logs outside it. */
class OutsideWindowTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final TimeWindow WINDOW = new TimeWindow("Vendor", Duration.ofHours(18), Duration.ofHours(2));

    @TempDir
    Path dir;

    @Test
    void theWindowIsTheDocumentedOneLessTheMarginForRetriesOnThePastSideOnly() {
        Instant oldest = NOW.minus(Duration.ofHours(18)).plus(TimeWindow.IN_FLIGHT_MARGIN);
        assertThat(WINDOW.outside(oldest, NOW)).isEmpty();
        assertThat(WINDOW.outside(oldest.minusMillis(1), NOW)).get().asString()
                .contains("Vendor drops logs dated more than 18 hours in the past");
        assertThat(WINDOW.outside(NOW.plus(Duration.ofHours(2)), NOW)).isEmpty();
        assertThat(WINDOW.outside(NOW.plus(Duration.ofHours(2)).plusMillis(1), NOW)).get().asString()
                .contains("more than 2 hours in the future");
        assertThat(new TimeWindow("CloudWatch Logs", Duration.ofDays(14), Duration.ofHours(2))
                .outside(NOW.minus(Duration.ofDays(15)), NOW)).get().asString().contains("more than 14 days in the past");
    }

    private OutsideWindow window(String action, SimpleMeterRegistry meters, MutableClock clock) {
        ExporterConfig config = new ExporterConfig("dd", ExporterType.DATADOG, 1000,
                action == null ? Map.of() : Map.of("outsideWindow", action));
        ExporterContext context = new ExporterContext(dir, new RetryBudget(io.auditshipper.config.RetryConfig.DEFAULT), meters, clock);
        return OutsideWindow.of("dd", OutsideWindow.property(WINDOW).of(config), context, WINDOW, context.deadLetters("dd"));
    }

    private static double counted(SimpleMeterRegistry meters, String action) {
        return meters.get("kestra.shipper.outside.window.logs").tag("exporter", "dd").tag("action", action).counter().count();
    }

    @Test
    void byDefaultLogsOutsideAreParkedWithTheReasonAndLeftOutOfTheBatch() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AuditLogRecord old = new AuditLogRecord("old", NOW.minus(Duration.ofHours(19)), "{\"id\":\"old\"}");
        AuditLogRecord fresh = new AuditLogRecord("fresh", NOW.minusSeconds(5), "{\"id\":\"fresh\"}");

        OutsideWindow.Batch batch = window(null, meters, new MutableClock(NOW)).admit(List.of(old, fresh));

        assertThat(batch.records()).containsExactly(fresh);
        assertThat(batch.timestampOf(fresh)).isEqualTo(fresh.timestamp());
        assertThat(Files.readString(dir.resolve("dd.ndjson"))).contains("\"id\":\"old\"").contains("18 hours in the past");
        assertThat(counted(meters, "dead_lettered")).isEqualTo(1);
        assertThat(counted(meters, "timestamp_rewritten")).isZero();
    }

    @Test
    void rewriteTimestampKeepsThemStampedWithTheShippingTimeReadFromTheClock() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MutableClock clock = new MutableClock(NOW);
        OutsideWindow window = window("REWRITE_TIMESTAMP", meters, clock);
        AuditLogRecord old = new AuditLogRecord("old", NOW.minus(Duration.ofHours(19)), "{}");
        AuditLogRecord fresh = new AuditLogRecord("fresh", NOW.minusSeconds(5), "{}");

        OutsideWindow.Batch batch = window.admit(List.of(old, fresh));
        clock.advance(Duration.ofDays(1));

        assertThat(batch.records()).containsExactly(old, fresh);
        assertThat(batch.timestampOf(old)).isEqualTo(NOW);
        assertThat(batch.rewritten(old)).isTrue();
        assertThat(batch.timestampOf(fresh)).isEqualTo(fresh.timestamp());
        assertThat(counted(meters, "timestamp_rewritten")).isEqualTo(1);
        assertThat(dir.resolve("dd.ndjson")).doesNotExist();
    }

    @Test
    void anUnknownValueIsAConfigErrorNamingThePropertyAndTheAllowedValues() {
        assertThatThrownBy(() -> window("KEEP", new SimpleMeterRegistry(), new MutableClock(NOW)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("logExporters.dd.outsideWindow: 'KEEP' is not one of DEAD_LETTER, REWRITE_TIMESTAMP");
    }
}
