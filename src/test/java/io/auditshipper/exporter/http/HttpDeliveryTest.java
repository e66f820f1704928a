package io.auditshipper.exporter.http;

import io.auditshipper.config.RetryConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.retry.RetriesSpentException;
import io.auditshipper.support.Blackhole;
import io.auditshipper.support.RecordingSleeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class HttpDeliveryTest {

    @TempDir
    Path dir;

    /**
     * A destination whose SYNs are dropped costs an attempt the connect timeout its budget gives it, read per request:
     * 1 s while it shares the pass's stream, RetryBudget.HTTP_CONNECT_TIMEOUT (10 s) on its own, as in the catch-up,
     * instead of camel-http's 3 minutes; the attempt fails saying it could not connect, within which bound. One
     * attempt each (maxRetries 0): the retries around it are RetryPolicy's.
     */
    @Test
    void aBlackholedDestinationCostsAnAttemptTheConnectTimeoutOfItsBudgetSharedOrAlone() throws Exception {
        RetryBudget budget = new RetryBudget(new RetryConfig(0, Duration.ofMillis(50), 2.0, Duration.ofSeconds(2)));
        ExporterContext context = new ExporterContext(dir, budget, new SimpleMeterRegistry(), Clock.systemUTC(), new RecordingSleeper());
        try (Blackhole blackhole = new Blackhole(); DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            String url = "http://127.0.0.1:" + blackhole.port() + "/services/collector";
            HttpDelivery delivery = new HttpDelivery("splunk", url, "application/json", Map.of(), context, context.deadLetters("splunk"));
            delivery.bind(camel);
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

            budget.markSharing(Set.of("splunk", "file"));
            // A guard against a hang (camel-http's own timeout is 3 minutes), not a measure: the outcome is read below.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> delivery.post(body))
                    .isInstanceOf(RetriesSpentException.class)
                    .hasMessageContaining("could not connect to " + url + " within PT1S, nothing sent"));

            budget.markSharing(Set.of());
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> delivery.post(body))
                    .isInstanceOf(RetriesSpentException.class)
                    .hasMessageContaining("could not connect to " + url + " within " + RetryBudget.HTTP_CONNECT_TIMEOUT + ", nothing sent"));
            assertThat(RetryBudget.HTTP_CONNECT_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
        }
    }
}
