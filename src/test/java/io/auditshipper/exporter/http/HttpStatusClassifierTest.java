package io.auditshipper.exporter.http;

import io.auditshipper.exporter.retry.Outcome;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** An intake API's statuses read as outcomes. */
class HttpStatusClassifierTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T12:00:00Z"), ZoneOffset.UTC);
    private static final String URL = "https://intake.example/v1/logs";

    private final HttpStatusClassifier classifier = new HttpStatusClassifier(URL,
            (status, body) -> status == 404 ? "check `endpoint`" : null, CLOCK);

    private Outcome<HttpDelivery.Response> answer(int status, String body, String retryAfter) {
        return classifier.classify(status, body.getBytes(StandardCharsets.UTF_8), retryAfter);
    }

    @Test
    void twoHundredsAreDoneWithTheAnswer() {
        assertThat(answer(200, "{}", null)).isInstanceOfSatisfying(Outcome.Done.class,
                done -> assertThat(((HttpDelivery.Response) done.answer()).status()).isEqualTo(200));
        assertThat(answer(202, "", null)).isInstanceOf(Outcome.Done.class);
        assertThat(answer(204, "", null)).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void timeoutThrottlingAndServerErrorsAreRetriedAfterWhatTheyAskFor() {
        assertThat(answer(429, "slow down", "2")).isEqualTo(Outcome.retryAfter(URL + " answered 429 (slow down)",
                Optional.of(Duration.ofSeconds(2))));
        assertThat(answer(503, "", "Fri, 20 Nov 2026 12:01:00 GMT"))
                .isEqualTo(Outcome.retryAfter(URL + " answered 503 ()", Optional.of(Duration.ofMinutes(1))));
        assertThat(answer(408, "", null)).isEqualTo(Outcome.retryAfter(URL + " answered 408 ()", Optional.empty()));
        assertThat(answer(500, "", null)).isInstanceOf(Outcome.Retry.class);
        assertThat(answer(502, "", null)).isInstanceOf(Outcome.Retry.class);
    }

    @Test
    void refusedCredentialsAndTheDestinationsOwnFatalAnswersStopTheExporter() {
        assertThat(answer(401, "bad token", null)).isEqualTo(Outcome.fatal(URL + " answered 401 (bad token);"
                + " check the exporter's API key or credentials"));
        assertThat(answer(403, "", null)).isInstanceOf(Outcome.Fatal.class);
        assertThat(answer(404, "no route", null)).isEqualTo(Outcome.fatal(URL + " answered 404 (no route); check `endpoint`"));
    }

    @Test
    void theRecordsFaultIsRejectedWithTheStatusForTheCallerToSplitOrPark() {
        for (int status : new int[]{400, 413, 422, 409}) {
            assertThat(answer(status, "invalid", null)).isInstanceOfSatisfying(Outcome.Reject.class, rejected -> {
                assertThat(((HttpDelivery.Response) rejected.answer()).status()).isEqualTo(status);
                assertThat(rejected.reason()).isEqualTo("HTTP " + status + " from " + URL + ": invalid");
            });
        }
    }

    @Test
    void noAnswerIsRetried() {
        assertThat(classifier.noAnswer(new java.net.ConnectException("Connection refused"), java.time.Duration.ofSeconds(10)))
                .isEqualTo(Outcome.retry("no answer from " + URL + ": Connection refused"));
    }
}
