package io.auditshipper.pipeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pages read ahead of the one being shipped, and a source that fails or ends, read no further. */
class ReadAheadTest {

    private final ExecutorService reader = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        reader.shutdownNow();
    }

    /** Pages 1..pages, each fetch counted and signalled; page {@code failAt} throws. */
    private static final class Pages implements Iterator<Integer> {
        final List<Integer> fetched = new ArrayList<>();
        final Semaphore fetches = new Semaphore(0);
        private final int pages;
        private final int failAt;
        private int next = 1;

        Pages(int pages, int failAt) {
            this.pages = pages;
            this.failAt = failAt;
        }

        @Override
        public synchronized boolean hasNext() {
            return next <= pages;
        }

        @Override
        public synchronized Integer next() {
            int page = next++;
            fetched.add(page);
            fetches.release();
            if (page == failAt) {
                throw new IllegalStateException("page " + page + " unreadable");
            }
            return page;
        }

        synchronized List<Integer> fetched() {
            return List.copyOf(fetched);
        }
    }

    @Test
    void twoPagesAreReadAheadOfTheOneBeingShipped() throws Exception {
        Pages source = new Pages(10, -1);
        try (ReadAhead<Integer> pages = new ReadAhead<>(source, reader)) {
            assertThat(pages.next()).isEqualTo(1);
            // Page 1 is taken: pages 2 and 3 are read while it is shipped, and no more.
            assertThat(source.fetches.tryAcquire(3, 10, TimeUnit.SECONDS)).isTrue();
            reader.submit(() -> { }).get();
            assertThat(source.fetched()).containsExactly(1, 2, 3);

            List<Integer> rest = new ArrayList<>();
            pages.forEachRemaining(rest::add);
            assertThat(rest).containsExactly(2, 3, 4, 5, 6, 7, 8, 9, 10);
        }
    }

    @Test
    void aSourceThatFailedIsNotReadAgain() throws Exception {
        Pages source = new Pages(10, 2);
        try (ReadAhead<Integer> pages = new ReadAhead<>(source, reader)) {
            assertThat(pages.next()).isEqualTo(1);
            assertThatThrownBy(pages::hasNext).hasMessage("page 2 unreadable");
            reader.submit(() -> { }).get();
            assertThat(source.fetched()).containsExactly(1, 2);
        }
    }
}
