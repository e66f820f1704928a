package io.auditshipper.kestra;

import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.FakeHttpIntake.Request;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kestra source through the pipeline, two passes each, against a server that pages as a real one may: ties
 * in a new order on every request, logs added and removed between requests, a wrong {@code total}, 429 and 503
 * with {@code Retry-After}, a page that hangs. Every log that exists at the end is shipped exactly once, except
 * what the README says the API source cannot promise: a log that appears dated before where the pass is reading
 * is shipped by the next pass only if it sorts after the offset the pass ended at.
 */
class KestraApiPagingModesTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final Instant START = NOW.minus(Duration.ofHours(2));

    @TempDir
    Path dir;

    private final FakeKestraServer kestra = new FakeKestraServer();
    private final DemoAuditLogs demo = new DemoAuditLogs(61);
    /** Every log ever given to the server, by id. */
    private final Map<String, AuditLogRecord> given = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        kestra.close();
    }

    private String task(ShipperFixture f, String extraSource) {
        return kestra.shipperTask(f, "backoff:\n  maxRetries: 3\n  initialDelay: PT0.05S\n  maxDelay: PT2S\n",
                "  apiToken: " + FakeKestraServer.TOKEN + "\n" + extraSource);
    }

    private AuditLogRecord give(Instant date) {
        AuditLogRecord log = demo.row(date).log();
        given.put(log.id(), log);
        kestra.add(log.json());
        return log;
    }

    /**
     * Runs of logs sharing one date, of random sizes up to 60 and two long ones (250 and 600) that straddle
     * pages of 100; some dates only a microsecond apart. Given to the server in a random order.
     */
    private List<AuditLogRecord> backlog(long seed) {
        Random random = new Random(seed);
        List<Instant> dates = new ArrayList<>();
        Instant date = START.plus(123_456, ChronoUnit.MICROS);
        for (int run = 0; run < 70; run++) {
            int size = run == 20 ? 250 : run == 45 ? 600 : 1 + random.nextInt(60);
            for (int i = 0; i < size; i++) {
                dates.add(date);
            }
            date = date.plus(random.nextInt(3) == 0 ? 1 : 1 + random.nextInt(5_000_000), ChronoUnit.MICROS);
        }
        Collections.shuffle(dates, random);
        List<AuditLogRecord> logs = new ArrayList<>();
        dates.forEach(d -> logs.add(give(d)));
        return logs;
    }

    private Pass ship(ShipperFixture f, String yaml) throws Exception {
        return f.runOnce(f.config(yaml));
    }

    /** Two passes a minute apart, the server's {@code beforeSearch} mode on for the first only; both must succeed. */
    private record TwoPasses(Pass first, Pass second, List<String> shipped) {
    }

    private TwoPasses twoPasses(ShipperFixture f, String yaml, FakeKestraServer server) throws Exception {
        Pass first = ship(f, yaml);
        server.beforeSearch = null;
        f.clock.advance(Duration.ofMinutes(1));
        Pass second = ship(f, yaml);
        assertThat(first.allSucceeded()).as("%s", first.failures()).isTrue();
        assertThat(second.allSucceeded()).as("%s", second.failures()).isTrue();
        return new TwoPasses(first, second, f.shippedIds("file"));
    }

    private static List<String> inOrder(Iterable<AuditLogRecord> logs) {
        List<AuditLogRecord> sorted = new ArrayList<>();
        logs.forEach(sorted::add);
        sorted.sort(java.util.Comparator.comparing(AuditLogRecord::offset, OffsetOrder.CODE_POINT));
        return sorted.stream().map(AuditLogRecord::id).toList();
    }

    private List<AuditLogRecord> heldNow() {
        return kestra.ids().stream().map(given::get).toList();
    }

    private static Instant startDate(Request search) {
        return OffsetDateTime.parse(search.params("startDate").get(0)).toInstant();
    }

    @Test
    void tiesInANewOrderOnEveryRequestAreShippedExactlyOnce() throws Exception {
        List<AuditLogRecord> logs = backlog(1);
        kestra.shuffleTies = new Random(2);
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        String yaml = task(f, "");

        TwoPasses passes = twoPasses(f, yaml, kestra);

        assertThat(passes.second().shipped("file")).isZero();
        assertThat(passes.shipped()).containsExactlyElementsOf(inOrder(logs));
        // Position-independent: no request asks for a page beyond the first, except to read one date whole.
        assertThat(kestra.searches()).allSatisfy(r -> assertThat(r.params("page")).containsExactly("1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT3H"})
    void logsAddedBetweenRequestsAheadOfTheReaderOrOnATieDateAreShippedAndNothingTwice(String lateArrivalWindow) throws Exception {
        List<AuditLogRecord> logs = backlog(3);
        List<Instant> tieDates = logs.stream().map(AuditLogRecord::timestamp).distinct().sorted().toList();
        Random random = new Random(4);
        /** Logs added dated before the date the search about to be answered starts from: behind the reader. */
        Set<String> behind = ConcurrentHashMap.newKeySet();
        kestra.beforeSearch = search -> {
            if (startDate(search).equals(Instant.EPOCH)) {
                return; // the first start's count of the logs before the lookback, not a read
            }
            Instant from = startDate(search);
            Instant until = NOW.minusSeconds(5);
            // Ahead of the reader, at a new date and on an existing tie date.
            give(from.plusNanos((long) (random.nextDouble() * Duration.between(from, until).toNanos()))
                    .truncatedTo(ChronoUnit.MICROS));
            tieDates.stream().filter(d -> !d.isBefore(from)).findFirst().ifPresent(this::give);
            // A late log inside the range already read, and one on a tie date already read.
            if (from.isAfter(START.plusSeconds(1))) {
                behind.add(give(from.minusMillis(1 + random.nextInt(1_000))).id());
                tieDates.stream().filter(d -> d.isBefore(from)).reduce((a, b) -> b)
                        .ifPresent(d -> behind.add(give(d).id()));
            }
        };
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        String yaml = task(f, "").replace("chunk: 300\n", "chunk: 300\nlateArrivalWindow: " + lateArrivalWindow + "\n");

        TwoPasses passes = twoPasses(f, yaml, kestra);

        Offset endOfFirst = passes.first().offsetOf("file");
        List<String> shipped = passes.shipped();
        assertThat(shipped).doesNotHaveDuplicates();
        assertThat(behind).isNotEmpty();
        // A log that appears behind the reader and before the offset the pass ends at is found by the next pass's
        // re-read of the late-arrival window; older than the window (none here), or with no window, it is never
        // read. Every other log is shipped, behind ones by the next pass.
        Set<String> lost = behind.stream().filter(id -> !OffsetOrder.CODE_POINT.isBefore(endOfFirst, given.get(id).offset()))
                .collect(Collectors.toSet());
        assertThat(lost).isNotEmpty();
        Set<String> expected = new HashSet<>(kestra.ids());
        if (lateArrivalWindow.equals("PT0S")) {
            expected.removeAll(lost);
        } else {
            assertThat(passes.second().late("file")).isEqualTo(lost.size());
        }
        assertThat(shipped).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void logsRemovedBetweenRequestsSkipNoOtherLog() throws Exception {
        backlog(5);
        Random random = new Random(6);
        Set<String> removed = ConcurrentHashMap.newKeySet();
        kestra.beforeSearch = search -> {
            List<String> ids = kestra.ids();
            for (int i = 0; i < 7 && !ids.isEmpty(); i++) {
                String id = ids.get(random.nextInt(ids.size()));
                if (kestra.remove(id)) {
                    removed.add(id);
                }
            }
        };
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        String yaml = task(f, "");

        TwoPasses passes = twoPasses(f, yaml, kestra);

        assertThat(passes.second().shipped("file")).isZero();
        assertThat(removed).hasSizeGreaterThan(100);
        List<String> shipped = passes.shipped();
        assertThat(shipped).doesNotHaveDuplicates().containsAll(kestra.ids());
        assertThat(removed).containsAll(shipped.stream().filter(id -> !kestra.ids().contains(id)).toList());
    }

    @Test
    void aWrongTotalChangesNothing() throws Exception {
        for (java.util.function.LongUnaryOperator lie : List.<java.util.function.LongUnaryOperator>of(
                t -> 3 * t + 7, t -> 0, t -> Math.min(t, 150), t -> t == 0 ? 0 : t - 1)) {
            kestra.close();
            FakeKestraServer server = new FakeKestraServer();
            try {
                given.clear();
                List<AuditLogRecord> logs = new ArrayList<>();
                for (int i = 0; i < 1_500; i++) {
                    AuditLogRecord log = demo.row(START.plus(i / 9 * 3_217L, ChronoUnit.MICROS)).log();
                    logs.add(log);
                    server.add(log.json());
                }
                server.total = lie;
                server.shuffleTies = new Random(7);
                ShipperFixture f = new ShipperFixture("h2", dir.resolve("lie" + logs.get(0).id()), NOW);
                String yaml = task(f, "").replace(kestra.url(), server.url());

                TwoPasses passes = twoPasses(f, yaml, server);

                assertThat(passes.second().shipped("file")).isZero();
                assertThat(passes.shipped()).containsExactlyElementsOf(inOrder(logs));
            } finally {
                server.close();
            }
        }
    }

    @Test
    void searchesAnswered429Or503AreAskedAgainAfterRetryAfterWithinThePass() throws Exception {
        List<AuditLogRecord> logs = backlog(8);
        kestra.beforeSearch = search -> {
            int n = kestra.searches().size();
            if (n == 3) {
                kestra.failNextSearches(2, 429, "1");
            } else if (n == 9) {
                kestra.failNextSearches(1, 503, null);
            }
        };
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        String yaml = task(f, "");

        TwoPasses passes = twoPasses(f, yaml, kestra);

        assertThat(passes.second().shipped("file")).isZero();
        assertThat(passes.shipped()).containsExactlyElementsOf(inOrder(logs));
        List<Request> searches = kestra.searches();
        assertThat(searches.get(3).query()).isEqualTo(searches.get(4).query()).isEqualTo(searches.get(5).query());
        assertThat(searches.get(9).query()).isEqualTo(searches.get(10).query());
    }

    @Test
    void aSearchThatHangsIsCutAtTheRequestTimeoutAndAskedAgain() throws Exception {
        List<AuditLogRecord> logs = backlog(9);
        kestra.beforeSearch = search -> {
            if (kestra.searches().size() == 4) {
                kestra.hangNextSearches(1, Duration.ofSeconds(60));
            }
        };
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        String yaml = task(f, "  requestTimeout: PT0.5S\n  connectTimeout: PT2S\n");

        long start = System.nanoTime();
        TwoPasses passes = twoPasses(f, yaml, kestra);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("both passes, not the hang").isLessThan(Duration.ofSeconds(30));
        assertThat(passes.second().shipped("file")).isZero();
        assertThat(passes.shipped()).containsExactlyElementsOf(inOrder(logs));
        List<Request> searches = kestra.searches();
        assertThat(searches.get(4).query()).isEqualTo(searches.get(5).query());
    }
}
