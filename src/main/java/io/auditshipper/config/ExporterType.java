package io.auditshipper.config;

import io.auditshipper.exporter.azure.AzureMonitorConfig;
import io.auditshipper.exporter.azureblob.AzureBlobConfig;
import io.auditshipper.exporter.camel.CamelConfig;
import io.auditshipper.exporter.cloudwatch.CloudWatchConfig;
import io.auditshipper.exporter.datadog.DatadogConfig;
import io.auditshipper.exporter.encoding.RecordSchema;
import io.auditshipper.exporter.file.FileExporterConfig;
import io.auditshipper.exporter.gcp.CloudLoggingConfig;
import io.auditshipper.exporter.gcs.GcsConfig;
import io.auditshipper.exporter.graylog.GelfConfig;
import io.auditshipper.exporter.newrelic.NewRelicConfig;
import io.auditshipper.exporter.otlp.OtlpConfig;
import io.auditshipper.exporter.s3.S3Config;
import io.auditshipper.exporter.search.SearchConfig;
import io.auditshipper.exporter.splunk.SplunkConfig;
import io.auditshipper.exporter.syslog.SyslogConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The exporter types of Kestra's AuditLogShipper, under Kestra's own type names, each with the properties its
 * destination's config record declares (so a Kestra user can paste the task, and a misspelt property is refused).
 */
public enum ExporterType {
    FILE("io.kestra.plugin.ee.core.log.FileLogExporter", FileExporterConfig.PROPERTIES),
    AWS_CLOUDWATCH("io.kestra.plugin.ee.aws.cloudwatch.LogExporter", CloudWatchConfig.PROPERTIES),
    AWS_S3("io.kestra.plugin.ee.aws.s3.LogExporter", S3Config.PROPERTIES),
    GCP_CLOUD_LOGGING("io.kestra.plugin.ee.gcp.operationalsuite.LogExporter", CloudLoggingConfig.PROPERTIES),
    GCP_GCS("io.kestra.plugin.ee.gcp.gcs.LogExporter", GcsConfig.PROPERTIES),
    AZURE_MONITOR("io.kestra.plugin.ee.azure.monitor.LogExporter", AzureMonitorConfig.PROPERTIES),
    AZURE_BLOB("io.kestra.plugin.ee.azure.storage.LogExporter", AzureBlobConfig.PROPERTIES),
    DATADOG("io.kestra.plugin.ee.datadog.LogExporter", DatadogConfig.PROPERTIES),
    ELASTICSEARCH("io.kestra.plugin.ee.elasticsearch.LogExporter", SearchConfig.PROPERTIES),
    OPENSEARCH("io.kestra.plugin.ee.opensearch.LogExporter", SearchConfig.PROPERTIES),
    NEW_RELIC("io.kestra.plugin.ee.newrelic.LogExporter", NewRelicConfig.PROPERTIES),
    OPENTELEMETRY("io.kestra.plugin.ee.opentelemetry.LogExporter", OtlpConfig.PROPERTIES),
    SPLUNK("io.kestra.plugin.ee.splunk.LogExporter", SplunkConfig.PROPERTIES),
    GRAYLOG("io.kestra.plugin.ee.graylog.LogExporter", GelfConfig.PROPERTIES),
    SYSLOG("io.kestra.plugin.ee.syslog.LogExporter", SyslogConfig.PROPERTIES),
    /** Not one of Kestra's: any Camel endpoint URI as a destination. */
    CAMEL("camel", CamelConfig.PROPERTIES);

    /** Properties every exporter takes besides its own ({@code schema}: KESTRA, OCSF or ECS, see RecordSchema). */
    private static final Set<String> COMMON = Set.of("id", "type", "chunk", "schema");

    private final String kestraType;
    private final ExporterProperties properties;

    ExporterType(String kestraType, ExporterProperties properties) {
        this.kestraType = kestraType;
        this.properties = properties;
    }

    public String kestraType() {
        return kestraType;
    }

    /** The properties this type takes besides the common ones, each with its type and default. */
    public ExporterProperties properties() {
        return properties;
    }

    public static Optional<ExporterType> ofKestraType(String type) {
        return Arrays.stream(values()).filter(t -> t.kestraType.equals(type)).findFirst();
    }

    /** Whether the dotted property path (e.g. {@code connection.basicAuth.username}) is one this type takes. */
    public boolean accepts(String path) {
        return COMMON.contains(path) || properties.accepts(path);
    }

    /**
     * What is wrong with the properties of {@code config}, an exporter of this type: every refused value and every
     * required property absent, the common {@code schema} included, so that all are listed at once. Checks that
     * take several properties together are the destination's, made once these pass.
     */
    public List<String> problems(ExporterConfig config) {
        List<String> problems = new ArrayList<>(properties.problems(config));
        RecordSchema.property(this).problem(config).ifPresent(problems::add);
        return problems;
    }

    /** Whether {@code path} is a property itself, its value taken whole (even a map), not walked into. */
    public boolean takesWhole(String path) {
        return properties.takesWhole(path);
    }
}
