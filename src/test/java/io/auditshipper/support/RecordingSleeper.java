package io.auditshipper.support;

import io.auditshipper.exporter.retry.Sleeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The exporters' retry waits, recorded instead of slept through: a test reads which waits were chosen. */
public final class RecordingSleeper implements Sleeper {

    private final List<Duration> waits = new ArrayList<>();
    private Runnable onEachWait = () -> {
    };

    @Override
    public synchronized void sleep(Duration wait) {
        waits.add(wait);
        onEachWait.run();
    }

    /** What changes while the exporter waits (a destination recovers), so that its retry meets the change. */
    public synchronized void onEachWait(Runnable change) {
        onEachWait = change;
    }

    public synchronized List<Duration> waits() {
        return List.copyOf(waits);
    }
}
