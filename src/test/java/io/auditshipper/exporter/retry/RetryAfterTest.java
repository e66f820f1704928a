package io.auditshipper.exporter.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Retry-After as RFC 9110 writes it: delay-seconds or an HTTP date. */
class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @Test
    void secondsAreTheWait() {
        assertThat(RetryAfter.parse("2", NOW)).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse(" 120 ", NOW)).contains(Duration.ofMinutes(2));
    }

    @Test
    void anHttpDateIsTheWaitUntilItAndADatePastIsNoWait() {
        assertThat(RetryAfter.parse("Fri, 20 Nov 2026 12:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Fri, 20 Nov 2026 11:59:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void absentOrUnreadableIsNoAnswer() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEqualTo(Optional.empty());
    }

    @Test
    void aDateFarAheadIsCappedByTheBackoffsMaxDelay() throws Exception {
        var budget = new io.auditshipper.exporter.RetryBudget(new io.auditshipper.config.RetryConfig(1, Duration.ofSeconds(1), 2,
                Duration.ofSeconds(30)));
        var sleeper = new io.auditshipper.support.RecordingSleeper();
        var policy = new RetryPolicy("dest", budget, io.micrometer.core.instrument.Counter.builder("r")
                .register(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), sleeper, () -> 0.0);
        java.util.Iterator<Outcome<String>> answers = java.util.List.of(
                Outcome.<String>retryAfter("503", RetryAfter.parse("Fri, 20 Nov 2026 13:00:00 GMT", NOW)),
                Outcome.done("ok")).iterator();

        policy.run(answers::next);

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(30));
    }
}
