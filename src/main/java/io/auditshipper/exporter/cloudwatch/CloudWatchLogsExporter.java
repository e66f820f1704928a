package io.auditshipper.exporter.cloudwatch;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.OutsideWindow;
import io.auditshipper.exporter.aws.AwsClientSettings;
import io.auditshipper.exporter.aws.SharedStreamRetryStrategy;
import io.auditshipper.exporter.encoding.Truncation;
import io.auditshipper.model.AuditLogRecord;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClientBuilder;
import software.amazon.awssdk.services.cloudwatchlogs.model.AccessDeniedException;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.RejectedLogEventsInfo;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import static io.auditshipper.exporter.cloudwatch.CloudWatchConfig.EVENT_OVERHEAD_BYTES;
import static io.auditshipper.exporter.cloudwatch.CloudWatchConfig.MAX_EVENTS;
import static io.auditshipper.exporter.cloudwatch.CloudWatchConfig.MAX_EVENT_BYTES;
import static io.auditshipper.exporter.cloudwatch.CloudWatchConfig.MAX_REQUEST_BYTES;
import static io.auditshipper.exporter.cloudwatch.CloudWatchConfig.MAX_SPAN;

/**
 * Kestra's CloudWatch {@code LogExporter} with the AWS SDK v2 CloudWatch Logs client (Camel's
 * {@code aws2-cw} component is CloudWatch metrics, and Camel has none for Logs). Sends PutLogEvents
 * first, and only when it answers ResourceNotFoundException creates the log group and stream
 * ({@code createMissing}, default true) and puts again: a least-privilege policy granting only
 * {@code logs:PutLogEvents} ships to a group and stream that exist. Calls stay within the API's limits
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html):
 * chronological events, at most 10,000 and 1,048,576 bytes (message bytes plus 26 per event) per call, no
 * call spanning more than 24 hours, 1 MB per event (a longer message is truncated with a marker); see
 * {@link CloudWatchConfig}. Events outside the window the service keeps ({@link CloudWatchConfig#WINDOW}) are
 * dead-lettered before the call, or with {@code outsideWindow: REWRITE_TIMESTAMP} sent with the shipping time as
 * their timestamp (the message, the record's JSON, keeps its own {@code date}); events the service still rejects (its clock ahead of ours, a
 * retention shorter than 14 days) are parked from {@code rejectedLogEventsInfo} with the reason.
 */
public final class CloudWatchLogsExporter implements LogExporter {

    private final String exporterId;
    private final CloudWatchLogsClient client;
    private final String group;
    private final String stream;
    private final boolean createMissing;
    private final DeadLetterFile deadLetters;
    private final OutsideWindow window;

    CloudWatchLogsExporter(String exporterId, CloudWatchLogsClient client, String group, String stream,
                           boolean createMissing, DeadLetterFile deadLetters, OutsideWindow window) {
        this.exporterId = exporterId;
        this.client = client;
        this.group = group;
        this.stream = stream;
        this.createMissing = createMissing;
        this.deadLetters = deadLetters;
        this.window = window;
    }

    public static CloudWatchLogsExporter from(ExporterConfig config, ExporterContext context) {
        CloudWatchConfig settings = CloudWatchConfig.of(config);
        CloudWatchLogsClientBuilder builder = settings.client().applyTo(CloudWatchLogsClient.builder())
                .httpClient(UrlConnectionHttpClient.create())
                // The SDK retries a throttled or failed PutLogEvents alone (a batch redelivered would put its accepted
                // calls again, and CloudWatch Logs keeps duplicates): its retries are counted with the others.
                // Except a connection not established while the exporter has one attempt (SharedStreamRetryStrategy).
                .overrideConfiguration(o -> o.addExecutionInterceptor(AwsClientSettings.retriesCountedIn(context.retries(config.id())))
                        .retryStrategy(new SharedStreamRetryStrategy(config.id(), context.retryBudget())));
        DeadLetterFile deadLetters = context.deadLetters(config.id());
        return new CloudWatchLogsExporter(config.id(), builder.build(), settings.logGroupName(), settings.logStreamName(),
                settings.createMissing(), deadLetters,
                OutsideWindow.of(config.id(), settings.outsideWindow(), context, CloudWatchConfig.WINDOW, deadLetters));
    }

    @Override
    public void ship(List<AuditLogRecord> records) {
        OutsideWindow.Batch batch = window.admit(records);
        // Rewritten logs carry the shipping time: put in time order again (stable), as PutLogEvents requires.
        List<AuditLogRecord> ordered = batch.records().stream()
                .sorted(Comparator.comparing(batch::timestampOf)).toList();
        for (List<AuditLogRecord> call : calls(ordered, batch::timestampOf)) {
            List<InputLogEvent> events = call.stream().map(record -> InputLogEvent.builder()
                    .timestamp(batch.timestampOf(record).toEpochMilli())
                    .message(Truncation.toUtf8Bytes(record.json(), MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES))
                    .build()).toList();
            parkRejected(call, put(events).rejectedLogEventsInfo());
        }
    }

    /** PutLogEvents; on ResourceNotFoundException, with {@code createMissing}, the group and stream created and the put once more. */
    private PutLogEventsResponse put(List<InputLogEvent> events) {
        try {
            return putOnce(events);
        } catch (ResourceNotFoundException missing) {
            if (!createMissing) {
                throw new DestinationUnavailableException("exporter " + exporterId + ": log group '" + group
                        + "' or stream '" + stream + "' does not exist; create them, or set createMissing: true ("
                        + missing.awsErrorDetails().errorMessage() + ")", missing);
            }
            createGroupAndStream();
            try {
                return putOnce(events);
            } catch (ResourceNotFoundException stillMissing) {
                throw new DestinationUnavailableException("exporter " + exporterId + ": log group '" + group
                        + "' or stream '" + stream + "' still does not exist after creating it ("
                        + stillMissing.awsErrorDetails().errorMessage() + ")", stillMissing);
            }
        }
    }

    private PutLogEventsResponse putOnce(List<InputLogEvent> events) {
        try {
            return client.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events));
        } catch (AccessDeniedException e) {
            throw denied("logs:PutLogEvents", e);
        }
    }

    /** Cuts the records (already in time order) into PutLogEvents calls within the API's limits. */
    static List<List<AuditLogRecord>> calls(List<AuditLogRecord> records, Function<AuditLogRecord, Instant> timestamp) {
        List<List<AuditLogRecord>> calls = new ArrayList<>();
        List<AuditLogRecord> current = new ArrayList<>();
        long bytes = 0;
        for (AuditLogRecord record : records) {
            long size = Math.min(record.json().getBytes(StandardCharsets.UTF_8).length,
                    MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES) + EVENT_OVERHEAD_BYTES;
            boolean full = current.size() == MAX_EVENTS || bytes + size > MAX_REQUEST_BYTES
                    || (!current.isEmpty() && Duration.between(timestamp.apply(current.get(0)), timestamp.apply(record)).compareTo(MAX_SPAN) >= 0);
            if (full) {
                calls.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(record);
            bytes += size;
        }
        if (!current.isEmpty()) {
            calls.add(current);
        }
        return calls;
    }

    private void parkRejected(List<AuditLogRecord> call, RejectedLogEventsInfo rejected) {
        if (rejected == null) {
            return;
        }
        // As the API reference and the CloudWatch agent read them: "end" indexes are exclusive, the "start" inclusive.
        // The service accepted the call, so these events are dropped unless parked here.
        int tooOld = rejected.tooOldLogEventEndIndex() == null ? 0 : Math.min(call.size(), rejected.tooOldLogEventEndIndex());
        window.rejected(call.subList(0, tooOld), "CloudWatch Logs rejected the event as too old (beyond 14 days or the"
                + " group's retention) in rejectedLogEventsInfo");
        if (rejected.expiredLogEventEndIndex() != null) {
            int to = Math.min(call.size(), rejected.expiredLogEventEndIndex());
            window.rejected(call.subList(Math.min(tooOld, to), to), "CloudWatch Logs rejected the event as expired (past the"
                    + " group's retention) in rejectedLogEventsInfo");
        }
        if (rejected.tooNewLogEventStartIndex() != null) {
            window.rejected(call.subList(Math.min(call.size(), Math.max(0, rejected.tooNewLogEventStartIndex())), call.size()),
                    "CloudWatch Logs rejected the event as too new (over 2 hours in the future) in rejectedLogEventsInfo");
        }
    }

    /** Called only once a put found the group or stream missing: one that exists is not touched (or asked to be). */
    private void createGroupAndStream() {
        try {
            try {
                client.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
            } catch (ResourceNotFoundException noGroup) {
                try {
                    client.createLogGroup(b -> b.logGroupName(group));
                } catch (ResourceAlreadyExistsException exists) {
                    // created meanwhile: nothing to do
                } catch (AccessDeniedException e) {
                    throw denied("logs:CreateLogGroup", e);
                }
                client.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
            }
        } catch (ResourceAlreadyExistsException exists) {
            // the stream was created meanwhile: nothing to do
        } catch (AccessDeniedException e) {
            throw denied("logs:CreateLogStream", e);
        } catch (CloudWatchLogsException e) {
            throw new DestinationUnavailableException("exporter " + exporterId + ": cannot create log group '" + group
                    + "' / stream '" + stream + "': " + e.awsErrorDetails().errorMessage(), e);
        }
    }

    /** IAM refused an action: not retried, since only a policy change (or creating the group/stream by hand) fixes it. */
    private DestinationUnavailableException denied(String action, AccessDeniedException e) {
        return new DestinationUnavailableException("exporter " + exporterId + ": the credentials may not " + action
                + " on log group '" + group + "' / stream '" + stream + "'; grant " + action + " to them"
                + (action.startsWith("logs:Create") ? ", or create the group and stream beforehand" : "")
                + " (" + e.awsErrorDetails().errorMessage() + ")", e);
    }

    @Override
    public String describe() {
        return "CloudWatch Logs group " + group + " stream " + stream + " (dead letters: " + deadLetters.file() + ")";
    }
}
