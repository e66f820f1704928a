package io.auditshipper.exporter.gcp;

import com.google.api.MonitoredResource;
import com.google.api.core.ApiFunction;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.GoogleCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcCallContext;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.logging.v2.LoggingClient;
import com.google.cloud.logging.v2.LoggingSettings;
import com.google.logging.type.LogSeverity;
import com.google.logging.v2.LogEntry;
import com.google.logging.v2.WriteLogEntriesPartialErrors;
import com.google.logging.v2.WriteLogEntriesRequest;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ConnectBoundClients;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.RetryBudget;
import io.auditshipper.exporter.encoding.Truncation;
import io.auditshipper.model.AuditLogRecord;
import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.auditshipper.exporter.gcp.CloudLoggingConfig.ENTRY_FIELDS_BYTES;
import static io.auditshipper.exporter.gcp.CloudLoggingConfig.MAX_ENTRY_BYTES;
import static io.auditshipper.exporter.gcp.CloudLoggingConfig.MAX_REQUEST_BYTES;

/**
 * Kestra's Google Cloud Logging ({@code operationalsuite}) {@code LogExporter} with Google's
 * {@code LoggingClient} (Camel has no Cloud Logging component): {@code entries.write} of
 * entries with the audit log as {@code jsonPayload}, its own time as {@code timestamp}, and its id as
 * {@code insertId}, which Cloud Logging uses to drop a repeated entry, so a replayed batch does not
 * duplicate. Requests stay under the API's 10 MB, entries under 256 KB (a larger one goes as a truncated
 * {@code textPayload}): see {@link CloudLoggingConfig}. With {@code partialSuccess}, entries the API rejects are parked with their reason.
 */
public final class CloudLoggingExporter implements LogExporter {

    private final String exporterId;
    private final RetryBudget retryBudget;
    /** The client whose channel connects within the bound the retry budget gives the next call. */
    private final ConnectBoundClients<LoggingClient> clients;
    private final String logName;
    private final MonitoredResource resource;
    private final int chunk;
    private final DeadLetterFile deadLetters;

    CloudLoggingExporter(String exporterId, RetryBudget retryBudget, LoggingSettings settings, String logName, MonitoredResource resource,
                         int chunk, DeadLetterFile deadLetters) {
        this.exporterId = exporterId;
        this.retryBudget = retryBudget;
        this.clients = new ConnectBoundClients<>(exporterId, retryBudget, connectTimeout -> client(settings, connectTimeout));
        this.logName = logName;
        this.resource = resource;
        this.chunk = chunk;
        this.deadLetters = deadLetters;
    }

    public static CloudLoggingExporter from(ExporterConfig config, ExporterContext context) {
        CloudLoggingConfig settings = CloudLoggingConfig.of(config);
        LoggingSettings.Builder builder = LoggingSettings.newBuilder();
        if (GoogleCredentialSettings.emulator(settings.endpoint())) {
            // An emulator or test server: plain gRPC, no Google credentials.
            builder.setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
                    .setEndpoint(settings.endpoint().substring("http://".length()))
                    .setChannelConfigurator(ManagedChannelBuilder::usePlaintext).build());
            builder.setCredentialsProvider(NoCredentialsProvider.create());
        } else {
            if (settings.endpoint() != null) {
                builder.setEndpoint(settings.endpoint());
            }
            builder.setCredentialsProvider(credentials(settings.credentials()));
        }
        // The client retries UNAVAILABLE, INTERNAL and DEADLINE_EXCEEDED itself, one request alone: counted.
        builder.getStubSettingsBuilder().setTracerFactory(new GaxRetryCounter(context.retries(config.id())));
        String logName = "projects/" + settings.projectId() + "/logs/" + settings.logName();
        MonitoredResource resource = MonitoredResource.newBuilder().setType("global")
                .putLabels("project_id", settings.projectId()).build();
        try {
            return new CloudLoggingExporter(config.id(), context.retryBudget(), builder.build(), logName, resource, config.chunk(),
                    context.deadLetters(config.id()));
        } catch (IOException e) {
            throw ConfigException.inExporter(config.id(), null, "cannot set up the Cloud Logging client: " + e.getMessage());
        }
    }

    /** The given account's credentials, else application default credentials with the scopes, looked up at the first call. */
    static CredentialsProvider credentials(GoogleCredentialSettings credentials) {
        return credentials.given().<CredentialsProvider>map(FixedCredentialsProvider::create)
                .orElseGet(() -> GoogleCredentialsProvider.newBuilder().setScopesToApply(credentials.scopes()).build());
    }

    /**
     * A client on the settings' channel, its connections given up when not established within {@code connectTimeout}
     * (gRPC's Netty transport has no timeout of its own but Netty's 30 s). Only the connection: an RPC sent has the
     * settings' timeouts.
     */
    private static LoggingClient client(LoggingSettings settings, Duration connectTimeout) {
        InstantiatingGrpcChannelProvider.Builder channel =
                ((InstantiatingGrpcChannelProvider) settings.getTransportChannelProvider()).toBuilder();
        ApiFunction<ManagedChannelBuilder, ManagedChannelBuilder> configured = channel.getChannelConfigurator();
        channel.setChannelConfigurator(builder -> {
            ManagedChannelBuilder<?> configuredBuilder = configured == null ? builder : configured.apply(builder);
            if (!(configuredBuilder instanceof NettyChannelBuilder netty)) {
                throw new IllegalStateException("gRPC's channel is not Netty's (" + configuredBuilder.getClass().getName()
                        + "): its connect timeout cannot be bounded");
            }
            return netty.withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()));
        });
        try {
            return LoggingClient.create(settings.toBuilder().setTransportChannelProvider(channel.build()).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the Cloud Logging client", e);
        }
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws IOException {
        List<LogEntry> entries = new ArrayList<>();
        List<AuditLogRecord> carried = new ArrayList<>();
        long bytes = 0;
        for (AuditLogRecord record : records) {
            LogEntry entry = entry(record);
            if (!entries.isEmpty() && (entries.size() == chunk || bytes + entry.getSerializedSize() > MAX_REQUEST_BYTES)) {
                write(entries, carried);
                entries = new ArrayList<>();
                carried = new ArrayList<>();
                bytes = 0;
            }
            entries.add(entry);
            carried.add(record);
            bytes += entry.getSerializedSize();
        }
        if (!entries.isEmpty()) {
            write(entries, carried);
        }
    }

    private LogEntry entry(AuditLogRecord record) throws IOException {
        LogEntry.Builder entry = LogEntry.newBuilder()
                .setInsertId(record.id())
                .setTimestamp(Timestamp.newBuilder().setSeconds(record.timestamp().getEpochSecond())
                        .setNanos(record.timestamp().getNano()))
                .setSeverity(LogSeverity.NOTICE)
                .putLabels("source", "kestra-audit-shipper");
        Struct.Builder payload = Struct.newBuilder();
        JsonFormat.parser().merge(record.json(), payload);
        entry.setJsonPayload(payload);
        if (entry.build().getSerializedSize() > MAX_ENTRY_BYTES) {
            entry.clearJsonPayload().setTextPayload(Truncation.toUtf8Bytes(record.json(), MAX_ENTRY_BYTES - ENTRY_FIELDS_BYTES));
        }
        return entry.build();
    }

    private void write(List<LogEntry> entries, List<AuditLogRecord> records) throws IOException {
        try {
            LoggingClient client = clients.forNextCall();
            client.writeLogEntriesCallable().call(WriteLogEntriesRequest.newBuilder().setLogName(logName).setResource(resource)
                    .setPartialSuccess(true).addAllEntries(entries).build(), callContext(client));
        } catch (ApiException e) {
            if (e.getStatusCode().getCode() == StatusCode.Code.UNAVAILABLE && retryBudget.hasOneAttempt(exporterId)) {
                // Not retried by the client (see callContext): the batch fails here and is retried in the catch-up.
                throw new IOException("exporter " + exporterId + ": Cloud Logging answered UNAVAILABLE, not retried while"
                        + " the exporter has one attempt: " + e.getMessage(), e);
            }
            if (e.getStatusCode().getCode() != StatusCode.Code.INVALID_ARGUMENT) {
                throw new DestinationUnavailableException("exporter " + exporterId + ": Cloud Logging answered "
                        + e.getStatusCode().getCode() + ": " + e.getMessage(), e);
            }
            WriteLogEntriesPartialErrors partial = e.getErrorDetails() == null ? null
                    : e.getErrorDetails().getMessage(WriteLogEntriesPartialErrors.class);
            if (partial == null) {
                deadLetters.park(records, "Cloud Logging rejected the request: " + e.getMessage());
                return;
            }
            for (Map.Entry<Integer, com.google.rpc.Status> error : partial.getLogEntryErrorsMap().entrySet()) {
                deadLetters.park(List.of(records.get(error.getKey())), "Cloud Logging rejected the entry: "
                        + com.google.rpc.Code.forNumber(error.getValue().getCode()) + " " + error.getValue().getMessage());
            }
        }
    }

    /**
     * The client's own retries, except while the retry budget gives the exporter one attempt (in the pass's shared
     * stream, or known down): retrying UNAVAILABLE until the settings' total timeout (a minute), a destination that
     * cannot be reached would hold every other exporter's commit that long. The batch is sent again in the catch-up,
     * its entries' insertId making a replay harmless.
     */
    private GrpcCallContext callContext(LoggingClient client) {
        if (!retryBudget.hasOneAttempt(exporterId)) {
            return null;
        }
        return GrpcCallContext.createDefault().withRetrySettings(
                client.getSettings().writeLogEntriesSettings().getRetrySettings().toBuilder().setMaxAttempts(1).build());
    }

    @Override
    public String describe() {
        return "Google Cloud Logging " + logName + " (dead letters: " + deadLetters.file() + ")";
    }
}
