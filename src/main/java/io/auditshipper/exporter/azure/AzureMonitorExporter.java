package io.auditshipper.exporter.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.monitor.ingestion.LogsIngestionClient;
import com.azure.monitor.ingestion.LogsIngestionClientBuilder;
import com.azure.monitor.ingestion.models.LogsUploadError;
import com.azure.monitor.ingestion.models.LogsUploadOptions;
import com.fasterxml.jackson.core.type.TypeReference;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.model.AuditLogRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kestra's Azure Monitor {@code LogExporter} with Microsoft's Logs Ingestion client (Camel has no
 * component for it): each audit log is uploaded to the data collection rule's stream as its JSON fields
 * plus {@code TimeGenerated} (the log's own time). The client signs in with the Entra ID client-credentials
 * flow (the token cached until it expires), gzips, and cuts uploads at the API's 1 MB per call
 * ({@link AzureMonitorConfig}). Logs a
 * 4xx answer rejects are parked; 429/5xx left after the client's retries (counted in
 * {@code kestra_shipper_retries_total}) fail the batch, to be sent again.
 */
public final class AzureMonitorExporter implements LogExporter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> FIELDS = new TypeReference<>() {
    };

    private final String exporterId;
    private final LogsIngestionClient client;
    private final String ruleId;
    private final String streamName;
    private final String endpoint;
    private final DeadLetterFile deadLetters;

    AzureMonitorExporter(String exporterId, LogsIngestionClient client, String ruleId, String streamName,
                         String endpoint, DeadLetterFile deadLetters) {
        this.exporterId = exporterId;
        this.client = client;
        this.ruleId = ruleId;
        this.streamName = streamName;
        this.endpoint = endpoint;
        this.deadLetters = deadLetters;
    }

    public static AzureMonitorExporter from(ExporterConfig config, ExporterContext context) {
        AzureMonitorConfig settings = AzureMonitorConfig.of(config);
        String endpoint = settings.endpoint().toString();
        // The client retries 429/5xx itself, honouring Retry-After, one upload of the batch at a time: counted.
        LogsIngestionClient client = new LogsIngestionClientBuilder().endpoint(endpoint)
                .credential(settings.credentials().credential())
                .httpClient(new ConnectBoundHttpClient(config.id(), context.retryBudget()))
                .retryOptions(ConnectBoundHttpClient.retryOptions(config.id(), context.retryBudget()))
                .addPolicy(new SdkRetryCounter(context.retries(config.id()))).buildClient();
        return new AzureMonitorExporter(config.id(), client, settings.ruleId(), settings.streamName(), endpoint,
                context.deadLetters(config.id()));
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws IOException {
        Map<Object, AuditLogRecord> sent = new IdentityHashMap<>();
        List<Object> logs = new ArrayList<>(records.size());
        for (AuditLogRecord record : records) {
            LinkedHashMap<String, Object> log = JSON.readValue(record.json(), FIELDS);
            log.put("TimeGenerated", record.timestamp().toString());
            logs.add(log);
            sent.put(log, record);
        }
        upload(logs, sent);
    }

    /**
     * Uploads the logs; those a 4xx answer rejects are uploaded again in halves until the log at fault
     * stands alone and is parked, so one bad log does not take its neighbours along.
     */
    private void upload(List<Object> logs, Map<Object, AuditLogRecord> sent) {
        List<LogsUploadError> errors = new ArrayList<>();
        try {
            client.upload(ruleId, streamName, logs, new LogsUploadOptions().setLogsUploadErrorConsumer(errors::add));
        } catch (RuntimeException e) {
            if (!refusedCredentials(e)) {
                throw e;
            }
            // Entra ID refused the client credentials: retrying the batch at once would not help.
            throw new DestinationUnavailableException("exporter " + exporterId + ": Entra ID refused the client"
                    + " credentials (check tenantId, clientId and clientSecret): " + e.getMessage(), e);
        }
        for (LogsUploadError error : errors) {
            HttpResponseException cause = error.getResponseException();
            int status = cause.getResponse() == null ? 0 : cause.getResponse().getStatusCode();
            List<Object> failed = error.getFailedLogs();
            if (status == 429 || status == 0 || status >= 500 || status == 401 || status == 403) {
                throw new DestinationUnavailableException("exporter " + exporterId + ": Azure Monitor " + endpoint
                        + " did not take the upload: HTTP " + status + ": " + cause.getMessage(), null);
            }
            if (failed.size() > 1) {
                upload(failed.subList(0, failed.size() / 2), sent);
                upload(failed.subList(failed.size() / 2, failed.size()), sent);
            } else {
                deadLetters.park(failed.stream().map(sent::get).toList(),
                        "Azure Monitor answered HTTP " + status + ": " + cause.getMessage());
            }
        }
    }

    /** Whether the failure is Entra ID refusing the credentials (MSAL's answer comes wrapped in a RuntimeException). */
    private static boolean refusedCredentials(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClientAuthenticationException || cause instanceof MsalServiceException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String describe() {
        return "Azure Monitor Logs Ingestion " + endpoint + " rule " + ruleId + " stream " + streamName
                + " (dead letters: " + deadLetters.file() + ")";
    }
}
