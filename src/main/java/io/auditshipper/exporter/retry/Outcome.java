package io.auditshipper.exporter.retry;

import java.time.Duration;
import java.util.Optional;

/**
 * What one attempt at a destination came to, as a destination's classifier reads its answer; {@link RetryPolicy}
 * acts on it. {@code T} is the answer the caller goes on with (an HTTP response, a bulk request's status).
 */
public sealed interface Outcome<T> {

    /** Taken: the caller goes on with the answer. */
    record Done<T>(T answer) implements Outcome<T> {
    }

    /**
     * Not now (throttled, busy, unreachable): the same request again after the backoff, or after {@code after} when
     * the destination said how long ({@code Retry-After}). {@code failure}, when the attempt threw, is what the
     * exporter fails with once the retries are spent.
     */
    record Retry<T>(String reason, Optional<Duration> after, Exception failure) implements Outcome<T> {
    }

    /**
     * Refused for good, for what was sent (a record the destination cannot take): no retry; the caller splits the
     * request or parks its records in the dead-letter file with {@code reason}.
     */
    record Reject<T>(T answer, String reason) implements Outcome<T> {
    }

    /** Refused whatever is sent (credentials, a wrong endpoint): the exporter stops at once, naming the fix. */
    record Fatal<T>(String fix) implements Outcome<T> {
    }

    static <T> Outcome<T> done(T answer) {
        return new Done<>(answer);
    }

    static <T> Outcome<T> retry(String reason) {
        return new Retry<>(reason, Optional.empty(), null);
    }

    static <T> Outcome<T> retryAfter(String reason, Optional<Duration> after) {
        return new Retry<>(reason, after, null);
    }

    static <T> Outcome<T> retryAfterFailure(Exception failure) {
        return new Retry<>(failure.toString(), Optional.empty(), failure);
    }

    static <T> Outcome<T> reject(T answer, String reason) {
        return new Reject<>(answer, reason);
    }

    static <T> Outcome<T> fatal(String fix) {
        return new Fatal<>(fix);
    }
}
