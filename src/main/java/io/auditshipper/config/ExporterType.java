package io.auditshipper.config;

import io.auditshipper.exporter.camel.CamelConfig;
import io.auditshipper.exporter.datadog.DatadogConfig;
import io.auditshipper.exporter.graylog.GelfConfig;
import io.auditshipper.exporter.newrelic.NewRelicConfig;
import io.auditshipper.exporter.otlp.OtlpConfig;
import io.auditshipper.exporter.splunk.SplunkConfig;
import io.auditshipper.exporter.syslog.SyslogConfig;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The exporter types of Kestra's AuditLogShipper, under Kestra's own type names, with the property
 * names each takes (so a Kestra user can paste the task). A property written {@code a.*} takes any
 * key below {@code a}.
 */
public enum ExporterType {
    FILE("io.kestra.plugin.ee.core.log.FileLogExporter",
            "format", "logFilePrefix", "maxLinesPerFile", "outputDirectory", "tamperEvident"),
    AWS_CLOUDWATCH("io.kestra.plugin.ee.aws.cloudwatch.LogExporter",
            "region", "logGroupName", "logStreamName", "accessKeyId", "secretKeyId", "sessionToken",
            "endpointOverride", "createMissing", "outsideWindow"),
    AWS_S3("io.kestra.plugin.ee.aws.s3.LogExporter",
            "bucket", "region", "accessKeyId", "secretKeyId", "sessionToken", "endpointOverride",
            "format", "logFilePrefix", "maxLinesPerFile", "compression", "tamperEvident"),
    GCP_CLOUD_LOGGING("io.kestra.plugin.ee.gcp.operationalsuite.LogExporter",
            "projectId", "serviceAccount", "impersonatedServiceAccount", "scopes", "logName", "endpoint"),
    GCP_GCS("io.kestra.plugin.ee.gcp.gcs.LogExporter",
            "bucket", "projectId", "format", "logFilePrefix", "maxLinesPerFile", "serviceAccount",
            "impersonatedServiceAccount", "scopes", "endpoint", "compression", "tamperEvident"),
    AZURE_MONITOR("io.kestra.plugin.ee.azure.monitor.LogExporter",
            "endpoint", "tenantId", "clientId", "clientSecret", "ruleId", "streamName", "authorityHost"),
    AZURE_BLOB("io.kestra.plugin.ee.azure.storage.LogExporter",
            "endpoint", "tenantId", "clientId", "clientSecret", "containerName", "format", "logFilePrefix",
            "maxLinesPerFile", "connectionString", "sasToken", "authorityHost", "compression", "tamperEvident"),
    DATADOG("io.kestra.plugin.ee.datadog.LogExporter", DatadogConfig.PROPERTIES),
    ELASTICSEARCH("io.kestra.plugin.ee.elasticsearch.LogExporter",
            "indexName", "connection.hosts", "connection.basicAuth.username", "connection.basicAuth.password",
            "connection.headers", "connection.pathPrefix", "connection.strictDeprecationMode",
            "connection.trustAllSsl", "tamperEvident"),
    OPENSEARCH("io.kestra.plugin.ee.opensearch.LogExporter",
            "indexName", "connection.hosts", "connection.basicAuth.username", "connection.basicAuth.password",
            "connection.headers", "connection.pathPrefix", "connection.strictDeprecationMode",
            "connection.trustAllSsl", "tamperEvident"),
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

    // TRANSITION: types not yet on a typed config record; removed once all are.
    ExporterType(String kestraType, String... names) {
        this(kestraType, ExporterProperties.of(Arrays.stream(names).map(n -> n.endsWith(".*")
                ? ExporterProperty.object(n.substring(0, n.length() - 2)) : ExporterProperty.text(n)).toArray()));
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

    /** Whether {@code path} is a property itself, its value taken whole (even a map), not walked into. */
    public boolean takesWhole(String path) {
        return properties.takesWhole(path);
    }
}
