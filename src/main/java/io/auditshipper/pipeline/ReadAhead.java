package io.auditshipper.pipeline;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Fetches the source's next pages on its own thread while the current one is being shipped, so that the
 * database and the exporters work at the same time. Two pages ahead at most: the next one waiting, and the one
 * after it being read, so that the database goes on working while a batch takes longer than usual to ship (a
 * slow fsync, a collection); memory stays at three pages. One ahead left the reader idle for about a tenth of a
 * pass. The source iterator is only ever touched by the single read-ahead thread, one fetch after the other.
 */
final class ReadAhead<T> implements Iterator<T>, AutoCloseable {

    private static final int PAGES_AHEAD = 2;

    private final Iterator<T> source;
    private final ExecutorService reader;
    private final Deque<Future<Optional<T>>> fetching = new ArrayDeque<>();
    /** Set by the reader once the source ended or failed: the fetches queued after that do not touch it again. */
    private volatile boolean ended;
    private Optional<T> ready;

    ReadAhead(Iterator<T> source, ExecutorService reader) {
        this.source = source;
        this.reader = reader;
        for (int i = 0; i < PAGES_AHEAD; i++) {
            fetching.add(reader.submit(this::fetch));
        }
    }

    private Optional<T> fetch() {
        if (ended) {
            return Optional.empty();
        }
        try {
            if (source.hasNext()) {
                return Optional.of(source.next());
            }
        } catch (RuntimeException e) {
            ended = true;
            throw e;
        }
        ended = true;
        return Optional.empty();
    }

    @Override
    public boolean hasNext() {
        if (ready == null) {
            try {
                ready = fetching.getFirst().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the source", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            }
            if (ready.isPresent()) {
                fetching.removeFirst();
                fetching.add(reader.submit(this::fetch));
            }
        }
        return ready.isPresent();
    }

    /** Stops reading ahead: fetches not started are cancelled, one under way is waited for. */
    @Override
    public void close() {
        for (Future<Optional<T>> fetch : fetching) {
            if (!fetch.cancel(false)) {
                try {
                    fetch.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | CancellationException e) {
                    // the pass is over; what the last fetch would have returned or thrown no longer matters
                }
            }
        }
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T value = ready.get();
        ready = null;
        return value;
    }
}
