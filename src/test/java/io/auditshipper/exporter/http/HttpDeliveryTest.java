package io.auditshipper.exporter.http;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
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

import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

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
            HttpDelivery delivery = new HttpDelivery("splunk", url, "application/json", Map.of(), HttpClientOptions.NONE, context,
                    context.deadLetters("splunk"));
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

    /**
     * The user's {@code options.timeout.connectTimeout} bounds the connect when the exporter ships alone (the catch-up),
     * instead of RetryBudget.HTTP_CONNECT_TIMEOUT; while it shares the stream, the 1 s bound stays unless the user's
     * is shorter.
     */
    @Test
    void theUsersConnectTimeoutBoundsTheConnectAloneAndInTheSharedStreamWhenShorter() throws Exception {
        RetryBudget budget = new RetryBudget(new RetryConfig(0, Duration.ofMillis(50), 2.0, Duration.ofSeconds(2)));
        ExporterContext context = new ExporterContext(dir, budget, new SimpleMeterRegistry(), Clock.systemUTC(), new RecordingSleeper());
        try (Blackhole blackhole = new Blackhole(); DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            String url = "http://127.0.0.1:" + blackhole.port() + "/api/v2/logs";
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            HttpDelivery twoSeconds = delivery(url, Map.of("timeout", Map.of("connectTimeout", "PT2S")), context, camel);
            HttpDelivery halfASecond = delivery(url, Map.of("connectTimeout", "PT0.5S"), context, camel);

            budget.markSharing(Set.of());
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> twoSeconds.post(body))
                    .isInstanceOf(RetriesSpentException.class)
                    .hasMessageContaining("could not connect to " + url + " within PT2S, nothing sent"));

            budget.markSharing(Set.of("datadog", "file"));
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> twoSeconds.post(body))
                    .isInstanceOf(RetriesSpentException.class)
                    .hasMessageContaining("could not connect to " + url + " within PT1S, nothing sent"));
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> halfASecond.post(body))
                    .isInstanceOf(RetriesSpentException.class)
                    .hasMessageContaining("could not connect to " + url + " within PT0.5S, nothing sent"));
        }
    }

    /**
     * With {@code options.proxy}, the request goes to the proxy in absolute form ({@code POST http://intake/...}),
     * answering its 407 challenge with the proxy credentials (a password with ')' and '&', which the endpoint URI must
     * carry as written); the intake's host is never resolved by the shipper
     * ({@code .invalid} does not resolve: sent directly, the request would fail).
     */
    @Test
    void theUsersHttpProxyCarriesTheRequestWithItsCredentials() throws Exception {
        RetryBudget budget = new RetryBudget(new RetryConfig(0, Duration.ofMillis(50), 2.0, Duration.ofSeconds(2)));
        ExporterContext context = new ExporterContext(dir, budget, new SimpleMeterRegistry(), Clock.systemUTC(), new RecordingSleeper());
        List<String> requestLines = new CopyOnWriteArrayList<>();
        String credentials = "Basic " + Base64.getEncoder().encodeToString("shipper:pr0xy)pass&9c1".getBytes(StandardCharsets.UTF_8));
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (!credentials.equals(exchange.getRequestHeaders().getFirst("Proxy-Authorization"))) {
                exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=\"proxy\"");
                exchange.sendResponseHeaders(407, -1);
            } else {
                requestLines.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                exchange.sendResponseHeaders(202, -1);
            }
            exchange.close();
        });
        proxy.start();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            String url = "http://intake.invalid/api/v2/logs";
            HttpDelivery delivery = delivery(url, Map.of("proxy", Map.of("type", "HTTP", "address", "127.0.0.1",
                    "port", proxy.getAddress().getPort(), "username", "shipper", "password", "pr0xy)pass&9c1")), context, camel);

            HttpDelivery.Response answer = delivery.post("{}".getBytes(StandardCharsets.UTF_8));

            assertThat(answer.status()).isEqualTo(202);
            assertThat(requestLines).containsExactly("POST " + url);
        } finally {
            proxy.stop(0);
        }
    }

    private HttpDelivery delivery(String url, Map<String, Object> options, ExporterContext context, DefaultCamelContext camel) {
        ExporterConfig config = new ExporterConfig("datadog", ExporterType.DATADOG, 1000, Map.of("options", options));
        HttpDelivery delivery = new HttpDelivery("datadog", url, "application/json", Map.of(),
                HttpClientOptions.of(config), context, context.deadLetters("datadog"));
        delivery.bind(camel);
        return delivery;
    }
}
