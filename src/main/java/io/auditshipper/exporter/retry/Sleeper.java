package io.auditshipper.exporter.retry;

import java.time.Duration;

/** Waits between attempts; a test gives one that records the waits instead of sleeping through them. */
@FunctionalInterface
public interface Sleeper {

    Sleeper THREAD = wait -> Thread.sleep(wait.toMillis());

    void sleep(Duration wait) throws InterruptedException;
}
