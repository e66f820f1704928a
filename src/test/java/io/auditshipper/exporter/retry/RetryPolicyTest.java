package io.auditshipper.exporter.retry;

import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.support.RecordingSleeper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backoff schedule and the one retry loop, with recorded waits instead of sleeps. */
class RetryPolicyTest {

    private static final RetryConfig BACKOFF = new RetryConfig(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5));

    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final Counter retries = Counter.builder("retries").register(new SimpleMeterRegistry());
    private final RetryBudget budget = new RetryBudget(BACKOFF);

    private RetryPolicy policy(double jitter) {
        return new RetryPolicy("dest", budget, retries, sleeper, () -> jitter);
    }

    @Test
    void theScheduleStartsAtTheInitialDelayAndMultipliesUpToTheCap() {
        assertThat(List.of(1, 2, 3, 4, 5).stream().map(failures -> BACKOFF.delayAfter(failures, 0.0)))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5),
                        Duration.ofSeconds(5));
    }

    @Test
    void jitterAddsUpToAQuarterAndNeverPassesTheCap() {
        assertThat(BACKOFF.delayAfter(1, 0.0)).isEqualTo(Duration.ofMillis(1000));
        assertThat(BACKOFF.delayAfter(1, 0.999)).isBetween(Duration.ofMillis(1240), Duration.ofMillis(1250));
        assertThat(BACKOFF.delayAfter(2, 0.5)).isEqualTo(Duration.ofMillis(2250));
        // 4 s plus 25% would be 5 s, at the cap; 8 s (the fourth failure) plus any jitter stays at the cap.
        assertThat(BACKOFF.delayAfter(3, 0.999)).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(BACKOFF.delayAfter(4, 0.999)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void whileSharingAStreamAnExporterWaitsAtMostOneSecondForAConnectionAndItsOwnTimeoutOtherwise() {
        budget.markSharing(Set.of("dest"));
        assertThat(budget.connectTimeout("dest", Duration.ofMinutes(3))).isEqualTo(RetryBudget.SHARED_STREAM_CONNECT_TIMEOUT);
        assertThat(budget.connectTimeout("dest", Duration.ZERO)).as("zero: no limit").isEqualTo(Duration.ofSeconds(1));
        assertThat(budget.connectTimeout("dest", Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(300));
        assertThat(budget.connectTimeout("alone", Duration.ofMinutes(3))).isEqualTo(Duration.ofMinutes(3));
        budget.markSharing(Set.of());
        assertThat(budget.connectTimeout("dest", Duration.ofMinutes(3))).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void aRetriedAttemptIsMadeMaxRetriesPlusOneTimesWithTheBackoffsWaitsCountedThenGivenUp() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> policy(0.0).run(() -> {
            attempts.incrementAndGet();
            return Outcome.retry("busy");
        })).isInstanceOf(DestinationUnavailableException.class).hasMessageContaining("gave up after 4 attempts: busy");

        assertThat(attempts).hasValue(BACKOFF.maxRetries() + 1);
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(retries.count()).isEqualTo(3);
    }

    @Test
    void retryAfterReplacesTheBackoffWithinMaxDelayAndTheAnswerComesBackOnceDone() throws Exception {
        Deque<Outcome<String>> answers = new ArrayDeque<>(List.of(
                Outcome.retryAfter("429", Optional.of(Duration.ofSeconds(2))),
                Outcome.retryAfter("429", Optional.of(Duration.ofMinutes(10))),
                Outcome.retryAfter("503", Optional.empty()),
                Outcome.done("accepted")));

        Outcome<String> outcome = policy(0.0).run(answers::removeFirst);

        assertThat(outcome).isEqualTo(Outcome.done("accepted"));
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(4));
        assertThat(retries.count()).isEqualTo(3);
    }

    @Test
    void fatalStopsAtTheFirstAttemptWithTheFix() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> policy(0.0).run(() -> {
            attempts.incrementAndGet();
            return Outcome.fatal("https://intake answered 403; check the API key");
        })).isInstanceOf(DestinationUnavailableException.class).hasMessage("exporter dest: https://intake answered 403; check the API key");

        assertThat(attempts).hasValue(1);
        assertThat(sleeper.waits()).isEmpty();
        assertThat(retries.count()).isZero();
    }

    @Test
    void aRejectIsAnsweredAtOnceWithoutARetry() throws Exception {
        AtomicInteger attempts = new AtomicInteger();

        Outcome<Integer> outcome = policy(0.0).run(() -> {
            attempts.incrementAndGet();
            return Outcome.reject(400, "mapping conflict");
        });

        assertThat(outcome).isEqualTo(Outcome.reject(400, "mapping conflict"));
        assertThat(attempts).hasValue(1);
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void anExporterKnownToBeDownGetsOneAttemptAndAFailureIsThrownAsItWas() {
        budget.markDown("dest");
        IOException refused = new IOException("connection refused");
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> policy(0.0).run(() -> {
            attempts.incrementAndGet();
            return Outcome.retryAfterFailure(refused);
        })).isSameAs(refused);

        assertThat(attempts).hasValue(1);
        assertThat(retries.count()).isZero();
    }
}
