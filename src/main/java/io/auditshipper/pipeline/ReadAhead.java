package io.auditshipper.pipeline;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Fetches the source's next page on its own thread while the current one is being shipped, so that the
 * database and the exporters work at the same time. One page ahead at most: memory stays at two pages.
 * The source iterator is only ever touched by the single read-ahead thread.
 */
final class ReadAhead<T> implements Iterator<T>, AutoCloseable {

    private final Iterator<T> source;
    private final ExecutorService reader;
    private Future<Optional<T>> fetching;
    private Optional<T> ready;

    ReadAhead(Iterator<T> source, ExecutorService reader) {
        this.source = source;
        this.reader = reader;
        this.fetching = reader.submit(this::fetch);
    }

    private Optional<T> fetch() {
        return source.hasNext() ? Optional.of(source.next()) : Optional.empty();
    }

    @Override
    public boolean hasNext() {
        if (ready == null) {
            try {
                ready = fetching.get();
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
                fetching = reader.submit(this::fetch);
            }
        }
        return ready.isPresent();
    }

    /** Stops reading ahead: a fetch not started is cancelled, one under way is waited for. */
    @Override
    public void close() {
        if (!fetching.cancel(false)) {
            try {
                fetching.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                // the pass is over; what the last fetch would have returned or thrown no longer matters
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
