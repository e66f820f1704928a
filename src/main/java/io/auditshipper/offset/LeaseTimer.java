package io.auditshipper.offset;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The time a lease lives by: the clock its expiry is read against, the pause before it is read back, and its
 * renewals. One interface, so that tests move the three together by hand instead of sleeping against the wall
 * clock.
 */
public interface LeaseTimer {

    /** Stops a repeated task. */
    @FunctionalInterface
    interface Repeating {
        void stop();
    }

    Instant now();

    void sleep(Duration pause) throws InterruptedException;

    /** Runs {@code task} every {@code period}, the first time one period from now, until stopped. */
    Repeating every(Duration period, Runnable task, String threadName);

    /** The wall clock, a sleeping thread and a daemon thread for the renewals. */
    static LeaseTimer system() {
        Clock clock = Clock.systemUTC();
        return new LeaseTimer() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public void sleep(Duration pause) throws InterruptedException {
                Thread.sleep(pause.toMillis());
            }

            @Override
            public Repeating every(Duration period, Runnable task, String threadName) {
                ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread thread = new Thread(r, threadName);
                    thread.setDaemon(true);
                    return thread;
                });
                long millis = Math.max(1, period.toMillis());
                executor.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
                return executor::shutdownNow;
            }
        };
    }
}
