package io.auditshipper.exporter.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;
import io.auditshipper.support.SelfSignedTls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Entra ID's token endpoint and the Azure Monitor Logs Ingestion API, over TLS on 127.0.0.1 (the client
 * sends bearer tokens over HTTPS only): {@code POST /{tenant}/oauth2/v2.0/token} takes the client-credentials
 * grant for the {@code https://monitor.azure.com//.default} scope; {@code POST
 * /dataCollectionRules/{rule}/streams/{stream}?api-version=...} takes a gzipped JSON array of at most 1 MB
 * with the bearer token, answering 204, or 429 with Retry-After, or 400 for a log the test names.
 */
public final class FakeAzureMonitor implements AutoCloseable {

    static final String TENANT = "tenant-0001";
    static final String CLIENT = "client-0001";
    static final String SECRET = "azure-secret-value-456";
    static final String RULE = "dcr-69f0b123041d4d6e9f2bf72aad0b62cf";
    static final String STREAM = "kestraLogs";
    private static final String TOKEN = "eyJ0eXAiOiJKV1QifQ.fake-monitor-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final FakeHttpIntake https;
    public final List<JsonNode> logs = new CopyOnWriteArrayList<>();
    final AtomicInteger tokenRequests = new AtomicInteger();
    final AtomicInteger throttle = new AtomicInteger();
    /** How many uploads were answered 429. */
    final AtomicInteger throttled = new AtomicInteger();
    volatile String rejectedId;

    private static Path keystore;

    public FakeAzureMonitor() {
        https = new FakeHttpIntake(this::answer, SelfSignedTls.serverContext(trustThisJvm()));
    }

    /**
     * Makes this JVM trust the server's throwaway certificate: call it before anything in the JVM uses TLS
     * (the default SSL context reads the trust store once), as the test classes do in a static block.
     */
    public static synchronized Path trustThisJvm() {
        if (keystore == null) {
            keystore = SelfSignedTls.keystore("fake-azure");
            SelfSignedTls.trustInThisJvm(keystore);
        }
        return keystore;
    }

    public String url() {
        return https.baseUrl();
    }

    private Answer answer(Request request) {
        if (request.path().equals("/" + TENANT + "/oauth2/v2.0/token")) {
            return token(request);
        }
        if (request.path().endsWith("/.well-known/openid-configuration")) {
            String base = url() + "/" + TENANT;
            return new Answer(200, Map.of("Content-Type", "application/json"), "{\"token_endpoint\":\"" + base
                    + "/oauth2/v2.0/token\",\"issuer\":\"" + base + "/v2.0\",\"authorization_endpoint\":\"" + base
                    + "/oauth2/v2.0/authorize\"}");
        }
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/dataCollectionRules/" + RULE + "/streams/" + STREAM);
        assertThat(request.params("api-version")).isNotEmpty();
        if (!("Bearer " + TOKEN).equals(request.header("Authorization"))) {
            return Answer.of(401, "{\"error\":{\"code\":\"InvalidToken\"}}");
        }
        assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(request.sentBytes()).as("1 MB per call").isLessThanOrEqualTo(1024 * 1024);
        if (throttle.getAndDecrement() > 0) {
            throttled.incrementAndGet();
            return new Answer(429, Map.of("Retry-After", "1"), "{\"error\":{\"code\":\"TooManyRequests\"}}");
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(body.isArray()).isTrue();
        for (JsonNode log : body) {
            assertThat(log.path("TimeGenerated").isTextual()).isTrue();
            if (log.path("id").asText().equals(rejectedId)) {
                return Answer.of(400, "{\"error\":{\"code\":\"InvalidStream\",\"message\":\"a column does not match the stream\"}}");
            }
        }
        body.forEach(logs::add);
        return Answer.of(204, "");
    }

    private Answer token(Request request) {
        tokenRequests.incrementAndGet();
        Map<String, String> form = Arrays.stream(new String(request.body(), StandardCharsets.UTF_8).split("&"))
                .map(kv -> kv.split("=", 2)).collect(Collectors.toMap(kv -> kv[0],
                        kv -> URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8)));
        assertThat(form).containsEntry("grant_type", "client_credentials").containsEntry("client_id", CLIENT);
        assertThat(form.get("scope")).contains("https://monitor.azure.com//.default");
        if (!SECRET.equals(form.get("client_secret"))) {
            return new Answer(401, Map.of("Content-Type", "application/json"),
                    "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}");
        }
        return new Answer(200, Map.of("Content-Type", "application/json"), "{\"token_type\":\"Bearer\",\"expires_in\":3599,"
                + "\"ext_expires_in\":3599,\"access_token\":\"" + TOKEN + "\"}");
    }

    @Override
    public void close() {
        https.close();
    }
}
