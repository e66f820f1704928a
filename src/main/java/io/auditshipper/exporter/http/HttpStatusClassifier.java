package io.auditshipper.exporter.http;

import io.auditshipper.exporter.retry.Outcome;
import io.auditshipper.exporter.retry.RetryAfter;
import org.apache.hc.client5.http.ConnectTimeoutException;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Reads a log intake API's answer as an {@link Outcome}: 2xx done; 408, 429 and 5xx (and no answer) retried,
 * after the {@code Retry-After} asked for; 401/403, and what the destination's {@link HttpDelivery.FatalAnswers}
 * call unmendable, fatal; any other status (400, 413, 422: the records' fault) rejected, for the caller to split
 * or park.
 */
final class HttpStatusClassifier {

    private final String url;
    private final HttpDelivery.FatalAnswers fatalAnswers;
    private final Clock clock;

    HttpStatusClassifier(String url, HttpDelivery.FatalAnswers fatalAnswers, Clock clock) {
        this.url = url;
        this.fatalAnswers = fatalAnswers;
        this.clock = clock;
    }

    Outcome<HttpDelivery.Response> classify(int status, byte[] body, String retryAfter) {
        HttpDelivery.Response response = new HttpDelivery.Response(status, body, List.of());
        if (status / 100 == 2) {
            return Outcome.done(response);
        }
        String answered = url + " answered " + status + " (" + abbreviate(response.text()) + ")";
        String fix = fatalAnswers.fix(status, response.text());
        if (fix != null) {
            return Outcome.fatal(answered + "; " + fix);
        }
        if (status == 401 || status == 403) {
            return Outcome.fatal(answered + "; check the exporter's API key or credentials");
        }
        if (status == 408 || status == 429 || status / 100 == 5) {
            return Outcome.retryAfter(answered, RetryAfter.parse(retryAfter, clock.instant()));
        }
        return Outcome.reject(response, "HTTP " + status + " from " + url + ": " + abbreviate(response.text()));
    }

    /**
     * No answer, retried. A connection not established within {@code connectTimeout} says so: nothing was sent on it,
     * unlike a request left unanswered, which the destination may have taken.
     */
    Outcome<HttpDelivery.Response> noAnswer(Exception failure, Duration connectTimeout) {
        if (failure instanceof ConnectTimeoutException) {
            return Outcome.retry("could not connect to " + url + " within " + connectTimeout + ", nothing sent: "
                    + failure.getMessage());
        }
        return Outcome.retry("no answer from " + url + ": " + failure.getMessage());
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
