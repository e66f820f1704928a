package io.auditshipper.exporter;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.config.RetryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ExporterFactoryTest {

    @TempDir
    Path dir;

    private ConfigException refusal(Map<String, Object> properties) {
        ExporterConfig s3 = new ExporterConfig("s3", ExporterType.AWS_S3, 1000, properties);
        return catchThrowableOfType(() -> ExporterFactory.create(s3,
                new ExporterContext(dir, new RetryBudget(RetryConfig.DEFAULT), new SimpleMeterRegistry())), ConfigException.class);
    }

    @Test
    void everyRefusedPropertyOfAnExporterIsListedAndItsCrossChecksWaitUntilTheyAreFixed() {
        Map<String, Object> properties = new HashMap<>(Map.of("bucket", "logs", "accessKeyId", "AKIAEXAMPLE",
                "maxLinesPerFile", "lots", "format", "CSV", "schema", "XML"));

        assertThat(refusal(properties).problems()).containsExactlyInAnyOrder(
                "logExporters.s3.region: required by io.kestra.plugin.ee.aws.s3.LogExporter, e.g. region: us-east-1",
                "logExporters.s3.maxLinesPerFile: 'lots' is not a whole number above 0, e.g. maxLinesPerFile: 1000000",
                "logExporters.s3.format: 'CSV' is not one of JSON, ION, e.g. format: JSON",
                "logExporters.s3.schema: 'XML' is not one of KESTRA, OCSF, ECS (the shape each log is shipped in: Kestra's"
                        + " AuditLog JSON as stored, the default; OCSF 1.8.0; or ECS 9.4.0), e.g. schema: KESTRA");

        properties.putAll(Map.of("region", "eu-west-1", "maxLinesPerFile", "10", "format", "JSON", "schema", "KESTRA"));
        // Only once every property reads fine: the check of two of them together (no secretKeyId).
        assertThat(refusal(properties).problems()).singleElement().asString()
                .isEqualTo("logExporters.s3: accessKeyId and secretKeyId go together; give both, or neither to use the"
                        + " default AWS credential chain");
    }
}
