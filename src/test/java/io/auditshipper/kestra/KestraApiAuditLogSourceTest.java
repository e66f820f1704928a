package io.auditshipper.kestra;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.config.RetryConfig;
import io.auditshipper.config.SourceConfig;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.source.AuditLogFilter;
import io.auditshipper.source.KestraApiAuditLogSource;
import io.auditshipper.source.SourceException;
import io.auditshipper.support.FakeHttpIntake.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link KestraApiAuditLogSource} against a server that answers as Kestra EE's OpenAPI spec (1.3.0) says. */
class KestraApiAuditLogSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00.123456Z");
    private static final Instant FAR = Instant.parse("2026-12-31T00:00:00Z");

    private final FakeKestraServer kestra = new FakeKestraServer();
    private final List<Log> held = new ArrayList<>();

    @AfterEach
    void stop() {
        kestra.close();
    }

    /** A log the server holds, as the test expects to read it back. */
    private record Log(String id, Instant date, String resource, String namespace) {
        Offset offset() {
            return new Offset(date, id);
        }
    }

    private static final Comparator<Log> ORDER = Comparator.comparing(Log::offset, OffsetOrder.CODE_POINT);

    private Log log(Instant date, String resource, String namespace) {
        Log log = new Log(UUID.randomUUID().toString(), date, resource, namespace);
        held.add(log);
        return log;
    }

    /** Hands the logs made so far to the server in a random order: ties stay in that order there. */
    private void publish(long seed) {
        List<Log> shuffled = new ArrayList<>(held);
        Collections.shuffle(shuffled, new Random(seed));
        shuffled.forEach(l -> kestra.add(FakeKestraServer.auditLog(l.id(), l.date(), l.resource(), l.namespace())));
    }

    private KestraApiAuditLogSource basicSource(int pageSize, AuditLogFilter filter) {
        return source(kestra.url(), FakeKestraServer.USER, FakeKestraServer.PASSWORD, null, pageSize, filter);
    }

    private static KestraApiAuditLogSource source(String url, String user, String password, String token, int pageSize,
                                                  AuditLogFilter filter) {
        return new KestraApiAuditLogSource(new SourceConfig(SourceConfig.Kind.KESTRA, url, user, password, token, "main",
                null, null, pageSize, false), filter);
    }

    private static AuditLogFilter all() {
        return new AuditLogFilter(List.of(), null);
    }

    /** Every page of the read, each checked non-empty and in order, flattened. */
    private static List<AuditLogRecord> readAll(KestraApiAuditLogSource source, Offset after, Instant until) {
        List<AuditLogRecord> out = new ArrayList<>();
        Iterator<List<AuditLogRecord>> pages = source.read(after, until);
        while (pages.hasNext()) {
            List<AuditLogRecord> page = pages.next();
            assertThat(page).isNotEmpty();
            out.addAll(page);
        }
        return out;
    }

    private static List<String> ids(List<AuditLogRecord> records) {
        return records.stream().map(AuditLogRecord::id).toList();
    }

    private static List<String> idsOf(List<Log> logs) {
        return logs.stream().sorted(ORDER).map(Log::id).toList();
    }

    @Test
    void readsABacklogOfManyPagesCompletelyInTimestampAndIdOrder() throws Exception {
        // 2,537 logs in runs of 7 sharing one timestamp: runs straddle the page boundaries (pageSize 100).
        for (int i = 0; i < 2_537; i++) {
            log(T0.plusMillis(i / 7 * 250L), "FLOW", "company.team");
        }
        publish(1);
        KestraApiAuditLogSource source = basicSource(100, all());

        Iterator<List<AuditLogRecord>> pages = source.read(Offset.before(T0), FAR);
        assertThat(pages.hasNext()).isTrue();
        assertThat(kestra.searches()).as("one page fetched per page read, lazily").hasSize(1);
        List<AuditLogRecord> read = new ArrayList<>(pages.next());
        while (pages.hasNext()) {
            read.addAll(pages.next());
        }

        assertThat(ids(read)).doesNotHaveDuplicates().hasSize(2_537).containsExactlyElementsOf(idsOf(held));
        assertThat(read).isSortedAccordingTo(Comparator.comparing(AuditLogRecord::offset, OffsetOrder.CODE_POINT));
        // Each request starts from where the reader is (page 1), the first from the offset's timestamp; the end is
        // the last instant of until's microsecond (Kestra's dates can carry nanoseconds).
        List<Request> searches = kestra.searches();
        assertThat(searches).hasSizeBetween(26, 27);
        Instant previous = T0;
        for (Request r : searches) {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).isEqualTo("/api/v1/main/auditlogs/search");
            assertThat(r.params("page")).containsExactly("1");
            assertThat(r.params("size")).containsExactly("100");
            assertThat(r.params("sort")).containsExactly("date:asc");
            Instant start = Instant.parse(r.params("startDate").get(0));
            assertThat(start).isAfterOrEqualTo(previous);
            previous = start;
            assertThat(r.params("endDate")).containsExactly(FAR.plusNanos(999).toString());
            assertThat(r.params("resources")).isEmpty();
            assertThat(r.params("namespace")).isEmpty();
        }
        assertThat(searches.get(0).params("startDate")).containsExactly(T0.toString());
        // The AuditLog JSON is handed on exactly as Kestra answered it, the ApiUser wrapper left out.
        AuditLogRecord first = read.get(0);
        Log firstLog = held.stream().min(ORDER).orElseThrow();
        assertThat(JSON.readTree(first.json())).isEqualTo(JSON.readTree(
                FakeKestraServer.auditLog(firstLog.id(), firstLog.date(), "FLOW", "company.team")));
        assertThat(first.timestamp()).isEqualTo(firstLog.date());
    }

    @Test
    void manyLogsSharingTheOffsetsTimestampAreReadExactlyOnceFromAnyPointAmongThem() {
        Instant shared = T0.plusSeconds(60);
        for (int i = 0; i < 40; i++) {
            log(shared.minusSeconds(1 + i % 3), "FLOW", "company.team");
        }
        for (int i = 0; i < 345; i++) { // more than three pages of one timestamp
            log(shared, "EXECUTION", "company.team");
        }
        for (int i = 0; i < 60; i++) {
            log(shared.plusMillis(i % 4), "FLOW", "company.team");
        }
        publish(2);
        List<Log> sorted = held.stream().sorted(ORDER).toList();
        List<Log> atShared = sorted.stream().filter(l -> l.date().equals(shared)).toList();
        KestraApiAuditLogSource source = basicSource(100, all());

        // From inside the run, at its first and last log, and before it.
        List<Offset> afters = new ArrayList<>();
        for (int i : new int[] {0, 1, 99, 100, 137, 299, 344}) {
            afters.add(atShared.get(i).offset());
        }
        afters.add(Offset.before(shared));
        afters.add(sorted.get(39).offset()); // the last log before the run
        for (Offset after : afters) {
            List<String> expected = sorted.stream().filter(l -> OffsetOrder.CODE_POINT.isBefore(after, l.offset())).map(Log::id).toList();
            List<AuditLogRecord> read = readAll(source, after, FAR);
            assertThat(ids(read)).as("after %s", after).containsExactlyElementsOf(expected);
        }
        // An offset between two ids of the run (no log has it) is a position too.
        Offset between = new Offset(shared, atShared.get(200).id() + "0");
        assertThat(ids(readAll(source, between, FAR)))
                .containsExactlyElementsOf(sorted.stream().filter(l -> OffsetOrder.CODE_POINT.isBefore(between, l.offset())).map(Log::id).toList())
                .first().isEqualTo(atShared.get(201).id());
        // The search starts at the offset's timestamp: logs before it are not asked for again.
        assertThat(kestra.searches()).allSatisfy(r -> assertThat(Instant.parse(r.params("startDate").get(0)))
                .isAfterOrEqualTo(sorted.get(39).date()));
    }

    @Test
    void untilIsInclusiveAndExcludesLaterLogs() {
        Instant until = T0.plusSeconds(30);
        List<Log> early = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            early.add(log(T0.plusMillis(i * 100L), "FLOW", "company"));
        }
        for (int i = 0; i < 5; i++) {
            early.add(log(until, "FLOW", "company")); // stamped at until: included
        }
        for (int i = 0; i < 120; i++) {
            log(until.plus(1, ChronoUnit.MICROS).plusMillis(i * 10L), "FLOW", "company");
        }
        publish(3);

        List<AuditLogRecord> read = readAll(basicSource(50, all()), Offset.before(T0), until);

        assertThat(ids(read)).containsExactlyElementsOf(idsOf(early));
        assertThat(read).allSatisfy(r -> assertThat(r.timestamp()).isBeforeOrEqualTo(until));
        assertThat(kestra.searches()).allSatisfy(r -> assertThat(r.params("endDate"))
                .containsExactly(until.plusNanos(999).toString()));
    }

    @Test
    void readsDatesWrittenWithAnOffsetAndMoreThanMicrosecondPrecision() {
        // The spec's date-time also allows "+00:00"; Kestra's Instants can carry nanoseconds.
        kestra.add(FakeKestraServer.auditLog("b", "2026-11-20T10:00:00.000+00:00", "FLOW", "company"));
        kestra.add(FakeKestraServer.auditLog("a", "2026-11-20T11:00:00.000+01:00", "FLOW", "company"));
        kestra.add(FakeKestraServer.auditLog("c", "2026-11-20T10:00:01.123456789Z", "FLOW", "company"));

        List<AuditLogRecord> read = readAll(basicSource(2, all()), Offset.before(T0.minusSeconds(3600)), FAR);

        assertThat(ids(read)).containsExactly("a", "b", "c");
        assertThat(read.get(0).timestamp()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
        assertThat(read.get(2).timestamp()).isEqualTo(Instant.parse("2026-11-20T10:00:01.123456Z"));
        assertThat(read.get(2).json()).contains("2026-11-20T10:00:01.123456789Z");
        // Read again after the last one: the truncated offset does not bring it back.
        assertThat(readAll(basicSource(2, all()), read.get(2).offset(), FAR)).isEmpty();
    }

    @Test
    void sendsTheResourcesAndNamespaceFiltersAndTheNamespaceIncludesItsChildrenOnly() {
        String[] namespaces = {"company.team", "company.team.data", "company.team.data.raw", "company.teamx",
                "company", "company.other", "other.company.team"};
        String[] resources = {"FLOW", "EXECUTION", "USER", "SECRET"};
        for (int i = 0; i < 700; i++) {
            log(T0.plusMillis(i / 3 * 10L), resources[i % resources.length], namespaces[i / 4 % namespaces.length]);
        }
        // A log that has no namespace at all (a login, say).
        log(T0.plusSeconds(5), "FLOW", null);
        publish(4);

        List<AuditLogRecord> both = readAll(basicSource(40, new AuditLogFilter(List.of("FLOW", "EXECUTION"), "company.team")),
                Offset.before(T0), FAR);
        List<Log> expectedBoth = held.stream()
                .filter(l -> l.resource().equals("FLOW") || l.resource().equals("EXECUTION"))
                .filter(l -> l.namespace() != null
                        && (l.namespace().equals("company.team") || l.namespace().startsWith("company.team.")))
                .toList();
        assertThat(expectedBoth).isNotEmpty();
        assertThat(ids(both)).containsExactlyElementsOf(idsOf(expectedBoth));
        assertThat(both).extracting(r -> r.json())
                .noneMatch(json -> json.contains("\"company.teamx\"") || json.contains("\"company.other\""));
        assertThat(kestra.searches()).isNotEmpty().allSatisfy(r -> {
            // One comma-separated value, as the spec's "style: form, explode: false" says.
            assertThat(r.params("resources")).containsExactly("FLOW,EXECUTION");
            assertThat(r.params("namespace")).containsExactly("company.team");
        });

        int before = kestra.searches().size();
        List<AuditLogRecord> namespaceOnly = readAll(basicSource(40, new AuditLogFilter(List.of(), "company.team.data")),
                Offset.before(T0), FAR);
        assertThat(ids(namespaceOnly)).containsExactlyElementsOf(idsOf(held.stream()
                .filter(l -> l.namespace() != null && l.namespace().startsWith("company.team.data")).toList()));
        assertThat(kestra.searches().subList(before, kestra.searches().size()))
                .allSatisfy(r -> assertThat(r.params("resources")).isEmpty());

        List<AuditLogRecord> resourcesOnly = readAll(basicSource(40, new AuditLogFilter(List.of("SECRET"), null)),
                Offset.before(T0), FAR);
        assertThat(ids(resourcesOnly)).containsExactlyElementsOf(idsOf(held.stream()
                .filter(l -> l.resource().equals("SECRET")).toList()));
    }

    @Test
    void authenticatesWithBasicAuthOrABearerToken() {
        IntStream.range(0, 30).forEach(i -> log(T0.plusSeconds(i), "FLOW", "company"));
        publish(5);

        List<AuditLogRecord> basic = readAll(basicSource(100, all()), Offset.before(T0), FAR);
        List<AuditLogRecord> bearer = readAll(source(kestra.url(), null, null, FakeKestraServer.TOKEN, 100, all()),
                Offset.before(T0), FAR);

        assertThat(ids(basic)).containsExactlyElementsOf(idsOf(held));
        assertThat(ids(bearer)).containsExactlyElementsOf(idsOf(held));
        String basicHeader = "Basic " + Base64.getEncoder().encodeToString(
                (FakeKestraServer.USER + ":" + FakeKestraServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(kestra.searches()).extracting(r -> r.header("Authorization"))
                .containsExactly(basicHeader, "Bearer " + FakeKestraServer.TOKEN);
    }

    @Test
    void rejectedCredentialsFailClearlyWithoutShowingThePasswordOrToken() {
        log(T0, "FLOW", "company");
        publish(6);
        String wrongPassword = "wrong-password-789";
        String wrongToken = "wrong-token-abcdef";

        assertThatThrownBy(() -> readAll(source(kestra.url(), FakeKestraServer.USER, wrongPassword, null, 100, all()),
                Offset.before(T0), FAR))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("credentials")
                .hasMessageContaining(kestra.url())
                .hasMessageNotContaining(wrongPassword)
                .hasMessageNotContaining(Base64.getEncoder().encodeToString(
                        (FakeKestraServer.USER + ":" + wrongPassword).getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> readAll(source(kestra.url(), null, null, wrongToken, 100, all()), Offset.before(T0), FAR))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("credentials")
                .hasMessageNotContaining(wrongToken);
        assertThatThrownBy(() -> readAll(source(kestra.url(), null, null, null, 100, all()), Offset.before(T0), FAR))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("401");
        // With source.apiVersion AUTO, the first request is GET /api/v1/configs, refused too.
        assertThat(kestra.requests()).extracting(r -> r.header("Authorization"))
                .containsExactly("Basic " + Base64.getEncoder().encodeToString(
                        (FakeKestraServer.USER + ":" + wrongPassword).getBytes(StandardCharsets.UTF_8)),
                        "Bearer " + wrongToken, null);
    }

    @Test
    void anUnreachableServerFailsClearly() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        KestraApiAuditLogSource source = source(url, FakeKestraServer.USER, FakeKestraServer.PASSWORD, null, 100, all());

        long start = System.nanoTime();
        assertThatThrownBy(() -> source.read(Offset.before(T0), FAR).hasNext())
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(url)
                .hasMessageContaining("not reachable")
                .hasMessageContaining("connection refused")
                .hasMessageNotContaining(FakeKestraServer.PASSWORD);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anEmptyWindowIsReadWithOneSearch() {
        log(T0, "FLOW", "company");
        publish(7);

        assertThat(basicSource(100, all()).read(Offset.before(T0.plusSeconds(1)), FAR).hasNext()).isFalse();
        assertThat(kestra.searches()).hasSize(1);
        // A trailing slash on the url is fine.
        assertThat(readAll(source(kestra.url() + "/", FakeKestraServer.USER, FakeKestraServer.PASSWORD, null, 100, all()),
                Offset.before(T0), FAR)).extracting(AuditLogRecord::id).containsExactlyElementsOf(idsOf(held));
        assertThat(kestra.searches().get(1).path()).isEqualTo("/api/v1/main/auditlogs/search");
    }

    /** A source whose waits between attempts are recorded instead of slept. */
    private KestraApiAuditLogSource recordingSource(int pageSize, RetryConfig retry, List<Duration> waits,
                                                    Duration requestTimeout) {
        return new KestraApiAuditLogSource(new SourceConfig(SourceConfig.Kind.KESTRA, kestra.url(), null, null,
                FakeKestraServer.TOKEN, "main", null, null, pageSize, false, Duration.ofSeconds(2), requestTimeout),
                all(), retry, java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC), waits::add);
    }

    @Test
    void waitsRetryAfterCappedAtTheBackoffsMaxDelayOrElseTheBackoffThenGivesUpClearly() {
        IntStream.range(0, 1_000).forEach(i -> log(T0.plusMillis(i), "FLOW", "company"));
        publish(8);
        RetryConfig retry = new RetryConfig(3, Duration.ofMillis(100), 2, Duration.ofSeconds(30));
        List<Duration> waits = new ArrayList<>();
        kestra.beforeSearch = search -> {
            switch (kestra.searches().size()) {
                case 1 -> kestra.failNextSearches(1, 429, "7");
                case 3 -> kestra.failNextSearches(1, 503, "600");
                case 5 -> kestra.failNextSearches(1, 429,
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(T0.plusSeconds(12).atZone(java.time.ZoneOffset.UTC)));
                case 7 -> kestra.failNextSearches(2, 503, null);
                default -> { }
            }
        };

        List<AuditLogRecord> read = readAll(recordingSource(100, retry, waits, Duration.ofSeconds(5)), Offset.before(T0), FAR);

        assertThat(ids(read)).containsExactlyElementsOf(idsOf(held));
        assertThat(waits).hasSize(5);
        // Seconds; 600 s capped at maxDelay; an HTTP date (to the second) 12 s after the clock's T0.
        assertThat(waits.subList(0, 3)).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(30),
                Duration.between(T0, T0.plusSeconds(12).truncatedTo(ChronoUnit.SECONDS)));
        // No Retry-After: the backoff's delays, with up to 25% jitter.
        assertThat(waits.get(3)).isBetween(Duration.ofMillis(100), Duration.ofMillis(125));
        assertThat(waits.get(4)).isBetween(Duration.ofMillis(200), Duration.ofMillis(250));

        // More failures in a row than backoff.maxRetries: the pass fails, naming the server and the answer.
        kestra.beforeSearch = null;
        kestra.failNextSearches(4, 429, "1");
        assertThatThrownBy(() -> readAll(recordingSource(100, retry, new ArrayList<>(), Duration.ofSeconds(5)),
                Offset.before(T0), FAR))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(kestra.url()).hasMessageContaining("after 4 attempts")
                .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("429").hasMessageContaining(kestra.url()));
    }

    @Test
    void aSearchWithNoAnswerWithinTheRequestTimeoutIsAskedAgainThenFailsNamingTheTimeout() {
        IntStream.range(0, 30).forEach(i -> log(T0.plusMillis(i), "FLOW", "company"));
        publish(9);
        List<Duration> waits = new ArrayList<>();
        kestra.hangNextSearches(1, Duration.ofSeconds(3));

        long start = System.nanoTime();
        List<AuditLogRecord> read = readAll(recordingSource(100, new RetryConfig(2, Duration.ofMillis(10), 2,
                Duration.ofSeconds(1)), waits, Duration.ofMillis(300)), Offset.before(T0), FAR);

        assertThat(ids(read)).containsExactlyElementsOf(idsOf(held));
        assertThat(waits).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

        kestra.hangNextSearches(3, Duration.ofSeconds(2));
        assertThatThrownBy(() -> readAll(recordingSource(100, new RetryConfig(2, Duration.ofMillis(10), 2,
                Duration.ofSeconds(1)), new ArrayList<>(), Duration.ofMillis(300)), Offset.before(T0), FAR))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(kestra.url()).hasMessageContaining("after 3 attempts")
                .hasMessageContaining("source.requestTimeout PT0.3S")
                .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("no complete answer")
                        .hasMessageContaining("/api/v1/main/auditlogs/search?"))
                .hasMessageNotContaining(FakeKestraServer.TOKEN);
    }

    /** 450 logs sharing one date among others: more than the largest page the reader asks for with pageSize 40. */
    private Instant oversizeTie() {
        Instant shared = T0.plusSeconds(10);
        IntStream.range(0, 30).forEach(i -> log(shared.minusMillis(5 + i), "FLOW", "company"));
        IntStream.range(0, 450).forEach(i -> log(shared, "FLOW", "company"));
        IntStream.range(0, 30).forEach(i -> log(shared.plusMillis(5 + i), "FLOW", "company"));
        publish(10);
        return shared;
    }

    @Test
    void aTieLargerThanTheLargestPageIsReadPageByPageWhenTheServerKeepsOneOrder() {
        Instant shared = oversizeTie();

        List<AuditLogRecord> read = readAll(basicSource(40, all()), Offset.before(T0), FAR);

        assertThat(ids(read)).containsExactlyElementsOf(idsOf(held));
        // The tie is asked for in pages of the largest size (10 x pageSize), bounded by its millisecond.
        assertThat(kestra.searches()).anySatisfy(r -> {
            assertThat(r.params("page")).containsExactly("2");
            assertThat(r.params("size")).containsExactly("400");
            assertThat(r.params("endDate")).containsExactly(shared.truncatedTo(ChronoUnit.MILLIS).plusMillis(1)
                    .minusNanos(1).toString());
        });
    }

    @Test
    void aTieLargerThanAServerCutsItsPagesToIsReadPageByPage() {
        oversizeTie();
        kestra.maxPageSize = 25;

        List<AuditLogRecord> read = readAll(basicSource(40, all()), Offset.before(T0), FAR);

        assertThat(ids(read)).containsExactlyElementsOf(idsOf(held));
        assertThat(kestra.searches()).anySatisfy(r -> assertThat(r.params("size")).containsExactly("25"));
    }

    @Test
    void aTieLargerThanTheLargestPageInANewOrderOnEveryRequestFailsThePassRatherThanSkipLogs() {
        Instant shared = oversizeTie();
        kestra.shuffleTies = new Random(11);
        List<AuditLogRecord> read = new ArrayList<>();

        Iterator<List<AuditLogRecord>> pages = basicSource(40, all()).read(Offset.before(T0), FAR);
        assertThatThrownBy(() -> pages.forEachRemaining(read::addAll))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("more than the server returns in one page (400)")
                .hasMessageContaining(shared.truncatedTo(ChronoUnit.MILLIS).minusMillis(1).toString())
                .hasMessageContaining("raise source.pageSize");
        // What was handed on before the tie is complete and in order; nothing of the tie was.
        assertThat(ids(read)).containsExactlyElementsOf(idsOf(held).subList(0, 30));
        // With a page large enough, the same server is read completely.
        assertThat(ids(readAll(basicSource(100, all()), Offset.before(T0), FAR))).containsExactlyElementsOf(idsOf(held));
    }

    @Test
    void theServerIsRefusedWhenItDoesNotSortByDate() {
        kestra.add(FakeKestraServer.auditLog("late", T0.plusSeconds(5), "FLOW", "company"));
        kestra.add(FakeKestraServer.auditLog("early", T0, "FLOW", "company"));
        kestra.http.respondWith(request -> new io.auditshipper.support.FakeHttpIntake.Answer(200, java.util.Map.of(),
                "{\"results\":[{\"auditLog\":" + FakeKestraServer.auditLog("late", T0.plusSeconds(5), "FLOW", "company")
                        + "},{\"auditLog\":" + FakeKestraServer.auditLog("early", T0, "FLOW", "company") + "}],\"total\":2}"));

        assertThatThrownBy(() -> readAll(basicSource(2, all()), Offset.before(T0), FAR))
                .isInstanceOf(SourceException.class).hasMessageContaining("does not sort by date");
    }
}
