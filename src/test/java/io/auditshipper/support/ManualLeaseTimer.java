package io.auditshipper.support;

import io.auditshipper.offset.LeaseTimer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A lease timer the test moves by hand: sleeping moves its clock, and {@link #advance} runs each renewal that
 * falls due on the way, at its due time, in order, as a fixed-delay schedule would. No thread, no wall clock.
 */
public final class ManualLeaseTimer implements LeaseTimer {

    private static final class Task {
        final Duration period;
        final Runnable task;
        Instant due;
        boolean stopped;

        Task(Duration period, Runnable task, Instant due) {
            this.period = period;
            this.task = task;
            this.due = due;
        }
    }

    private final MutableClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private int runs;

    public ManualLeaseTimer(Instant start) {
        this.clock = new MutableClock(start);
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void sleep(Duration pause) {
        clock.advance(pause);
    }

    @Override
    public synchronized Repeating every(Duration period, Runnable task, String threadName) {
        Task repeating = new Task(period, task, now().plus(period));
        tasks.add(repeating);
        return () -> repeating.stopped = true;
    }

    /** Moves the clock by {@code by}, running every repeated task each time it falls due. */
    public void advance(Duration by) {
        Instant until = now().plus(by);
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(task -> !task.stopped && !task.due.isAfter(until))
                        .min(Comparator.comparing(task -> task.due)).orElse(null);
            }
            if (next == null) {
                break;
            }
            // A task overdue (the clock was moved by a sleep) runs now, and then a period later: a fixed delay.
            if (next.due.isAfter(now())) {
                clock.advance(Duration.between(now(), next.due));
            }
            next.due = now().plus(next.period);
            runs++;
            next.task.run();
        }
        clock.advance(Duration.between(now(), until));
    }

    /** How many times a repeated task ran. */
    public int runs() {
        return runs;
    }

    /** The repeated tasks not stopped. */
    public synchronized long running() {
        return tasks.stream().filter(task -> !task.stopped).count();
    }
}
