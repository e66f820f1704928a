package io.auditshipper.support;

import io.auditshipper.exporter.retry.Sleeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The exporters' retry waits, recorded instead of slept through: a test reads which waits were chosen. */
public final class RecordingSleeper implements Sleeper {

    private final List<Duration> waits = new ArrayList<>();

    @Override
    public synchronized void sleep(Duration wait) {
        waits.add(wait);
    }

    public synchronized List<Duration> waits() {
        return List.copyOf(waits);
    }
}
