package io.auditshipper.exporter.s3;

import io.auditshipper.ShipperApp;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.support.AwsRequestCounter;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 client's own retries are off: an S3 that answers 503 SlowDown (as S3 does when throttling,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) to every PutObject gets one request per
 * attempt of the exporter route, each retry counted in {@code kestra_shipper_retries_total}; none is sent by the
 * SDK on its own, uncounted.
 */
class S3SdkRetriesTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @TempDir
    Path dir;

    private final FakeHttpIntake s3 = new FakeHttpIntake(request -> {
        assertThat(request.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY/");
        if (request.method().equals("HEAD") && request.path().equals("/logbucket")) {
            return new Answer(200, Map.of(), ""); // HeadBucket, as camel-aws2-s3 checks the bucket when it starts
        }
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.path()).startsWith("/logbucket/");
        return new Answer(503, Map.of("Content-Type", "application/xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
                + "<RequestId>4442587FB7D0A2F9</RequestId></Error>");
    });

    @AfterEach
    void stop() {
        s3.close();
    }

    @Test
    void everyRequestS3GetsIsAnAttemptOfTheExporterRouteAndEachRetryIsCounted() throws Exception {
        ShipperFixture f = ShipperFixture.h2With(dir, NOW,
                new DemoAuditLogs(75).rows(20, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(60)));
        String task = f.taskWith("  - id: s3\n    type: io.kestra.plugin.ee.aws.s3.LogExporter\n    region: eu-west-1\n"
                + "    bucket: logbucket\n    accessKeyId: AKIAEXAMPLEKEY\n    secretKeyId: \"{{ secret('AWS_SECRET_KEY_ID') }}\"\n"
                + "    endpointOverride: " + s3.baseUrl() + "\n");
        long before = AwsRequestCounter.sent("S3", "PutObject");

        try (ShipperApp app = new ShipperApp(f.config(task, Map.of("AWS_SECRET_KEY_ID", "secret-for-tests")), f.clock)) {
            Pass pass = app.runOnce();
            double retries = app.meters().get("kestra.shipper.retries").tag("exporter", "s3").counter().count();

            assertThat(pass.failures()).containsOnlyKeys("s3");
            // One attempt beside the file exporter, then on its own in the pass's catch-up (a retry) with the task's
            // maxRetries, spent by the exporter route.
            assertThat(retries).as("the catch-up and the task's maxRetries").isEqualTo(1 + 3);
            assertThat(AwsRequestCounter.sent("S3", "PutObject") - before).as("sent by the SDK").isEqualTo(1 + 1 + 3);
            assertThat(s3.requests().stream().filter(r -> r.method().equals("PUT")))
                    .as("received by S3: the first attempt and the counted retries, no more").hasSize(1 + 1 + 3);
            assertThat(s3.violations()).isEmpty();
        }
    }
}
