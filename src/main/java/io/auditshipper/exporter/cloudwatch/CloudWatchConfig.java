package io.auditshipper.exporter.cloudwatch;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.OutsideWindow;
import io.auditshipper.exporter.TimeWindow;
import io.auditshipper.exporter.aws.AwsClientSettings;

import java.time.Duration;

/**
 * Kestra's CloudWatch {@code LogExporter} properties, read and checked, and the limits AWS documents for
 * PutLogEvents (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html).
 */
public record CloudWatchConfig(AwsClientSettings client, String logGroupName, String logStreamName,
                               boolean createMissing, OutsideWindow.Action outsideWindow) {

    /** "The maximum number of log events in a batch is 10,000." */
    static final int MAX_EVENTS = 10_000;
    /**
     * "The maximum batch size is 1,048,576 bytes. This size is calculated as the sum of all event messages in UTF-8,
     * plus 26 bytes for each log event."
     */
    static final int MAX_REQUEST_BYTES = 1_048_576;
    static final int EVENT_OVERHEAD_BYTES = 26;
    /**
     * "Each log event can be no larger than 1 MB" (the page said 256 KB before 2025; the InputLogEvent reference,
     * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_InputLogEvent.html, says the same of
     * its message), and it must fit in a call's 1,048,576 bytes with its 26.
     */
    static final int MAX_EVENT_BYTES = MAX_REQUEST_BYTES;
    /**
     * "For valid events (within 14 days in the past to 2 hours in future), the time span in a single batch cannot
     * exceed 24 hours. Otherwise, the operation fails."
     */
    static final Duration MAX_SPAN = Duration.ofHours(24);
    /**
     * "Events more than 2 hours in the future are rejected while processing remaining valid events. Events older
     * than 14 days or preceding the log group's retention period are rejected while processing remaining valid
     * events."
     */
    static final Duration MAX_AGE = Duration.ofDays(14);
    static final Duration MAX_AHEAD = Duration.ofHours(2);
    static final TimeWindow WINDOW = new TimeWindow("CloudWatch Logs", MAX_AGE, MAX_AHEAD);

    static final ExporterProperty<String> LOG_GROUP_NAME = ExporterProperty.text("logGroupName").required("kestra");
    static final ExporterProperty<String> LOG_STREAM_NAME = ExporterProperty.text("logStreamName").required("production");
    /** Not Kestra's: whether a missing group and stream are created (needs logs:CreateLogGroup/CreateLogStream). */
    static final ExporterProperty<Boolean> CREATE_MISSING = ExporterProperty.flag("createMissing").orElse(true);
    static final ExporterProperty<OutsideWindow.Action> OUTSIDE_WINDOW = OutsideWindow.property(WINDOW);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(AwsClientSettings.PROPERTIES,
            LOG_GROUP_NAME, LOG_STREAM_NAME, CREATE_MISSING, OUTSIDE_WINDOW);

    public static CloudWatchConfig of(ExporterConfig config) {
        return new CloudWatchConfig(AwsClientSettings.of(config), LOG_GROUP_NAME.of(config), LOG_STREAM_NAME.of(config),
                CREATE_MISSING.of(config), OUTSIDE_WINDOW.of(config));
    }
}
