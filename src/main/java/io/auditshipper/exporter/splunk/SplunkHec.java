package io.auditshipper.exporter.splunk;

import io.auditshipper.exporter.encoding.Compression;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.DestinationUnavailableException;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;
import io.auditshipper.exporter.http.ApiKeyIntake;
import io.auditshipper.exporter.http.HttpClientOptions;
import io.auditshipper.exporter.http.HttpDelivery;
import io.auditshipper.exporter.http.HttpLogSink;
import io.auditshipper.exporter.http.RequestPacker;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Kestra's Splunk {@code LogExporter}: {@code POST <host>/services/collector} with
 * {@code Authorization: Splunk <token>} and the events of a request concatenated ({@link SplunkEventEncoder}),
 * gzipped unless {@code compression: NONE}, built on the shared HTTP pieces. With
 * {@code indexerAcknowledgement: true} every request carries the exporter's channel
 * ({@code X-Splunk-Request-Channel}) and the batch is acknowledged only once {@code /services/collector/ack}
 * says every request's {@code ackId} is indexed, polled within {@code ackTimeout}; past it the batch fails, to be
 * sent again (at-least-once), never refused or parked. A poll Splunk answers "later" (408, 429, 5xx such as 503
 * "Server is busy", or no answer) is retried as any request is; one it refuses for good (the token refused,
 * acknowledgement disabled on it, the channel not passed on: {@link #ackPollFix}) stops the exporter naming the fix.
 * Either way the batch is committed only once every ackId has come back true.
 */
public final class SplunkHec implements LogExporter {

    /** HEC's 400 codes that judge an event (no data, invalid data format, event field required or blank, indexed fields). */
    private static final Set<Integer> EVENT_ERRORS = Set.of(5, 6, 12, 13, 15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final HttpLogSink sink;
    private final HttpDelivery acks;
    private final Duration ackTimeout;
    private final String channel;

    private SplunkHec(String id, HttpLogSink sink, HttpDelivery acks, Duration ackTimeout, String channel) {
        this.id = id;
        this.sink = sink;
        this.acks = acks;
        this.ackTimeout = ackTimeout;
        this.channel = channel;
    }

    public static LogExporter exporter(ExporterConfig config, ExporterContext context) {
        SplunkConfig settings = SplunkConfig.of(config);
        URI host = settings.host();
        boolean gzip = settings.compression() == Compression.GZIP;
        boolean acknowledged = settings.indexerAcknowledgement();
        SplunkEventEncoder encoder = new SplunkEventEncoder(settings.hostField(), settings.source(),
                settings.sourcetype(), settings.index());

        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Splunk " + settings.token()));
        String channel = null;
        if (acknowledged) {
            channel = UUID.randomUUID().toString();
            headers.put("X-Splunk-Request-Channel", channel);
        }
        DeadLetterFile deadLetters = context.deadLetters(config.id());
        HttpClientOptions options = HttpClientOptions.of(config);
        HttpDelivery acks = acknowledged ? new HttpDelivery(config.id(), ApiKeyIntake.intakeUrl(host, "/services/collector/ack"),
                "application/json", headers, options, context, deadLetters, SplunkHec::ackPollFix) : null;
        if (gzip) {
            headers.put("Content-Encoding", "gzip");
        }
        HttpDelivery delivery = new HttpDelivery(config.id(), ApiKeyIntake.intakeUrl(host, "/services/collector"),
                "application/json", headers, options, context, deadLetters, SplunkHec::fix);
        HttpLogSink sink = new HttpLogSink(new RequestPacker(encoder, gzip, config.chunk(), settings.maxRequestBytes(),
                RequestPacker.LimitOn.UNCOMPRESSED), delivery, deadLetters);
        return new SplunkHec(config.id(), sink, acks, settings.ackTimeout(), channel);
    }

    /** HEC's answers that no retry or split mends, read from its {@code {"text", "code"}} body, with the property to fix. */
    static String fix(int status, String body) {
        int code = hecCode(body);
        if (status == 401 || status == 403) {
            return "Splunk refused the HEC token (check the exporter's `token` property: the token exists, is enabled and"
                    + " is sent to the right Splunk)";
        }
        if (status == 400 && code == 7) {
            return "the token may not write to that index (check the exporter's `index` property and the token's allowed indexes)";
        }
        if (status == 400 && (code == 10 || code == 11)) {
            return "the token has indexer acknowledgement enabled: set `indexerAcknowledgement: true` on the exporter";
        }
        if (status == 400 && code == 14) {
            return "indexer acknowledgement is disabled on the token: set `indexerAcknowledgement: false` or enable it on the token";
        }
        if (status == 400 && (code < 0 || EVENT_ERRORS.contains(code))) {
            return null; // an event the request carries: split, the one at fault is parked
        }
        if (status / 100 == 4 && status != 413 && status != 429 && status != 408) {
            return "no HEC endpoint takes this request (check the exporter's `host` property: the HEC port, http or https)";
        }
        return null;
    }

    /**
     * The answers to the acknowledgement poll that no retry mends: {@link #fix}'s (a token refused, acknowledgement
     * disabled on it, no HEC endpoint), except a channel missing or invalid (codes 10, 11), which the exporter did send
     * on the poll, as on the events it posted: whatever lies between it and Splunk did not pass it on.
     */
    static String ackPollFix(int status, String body) {
        int code = hecCode(body);
        if (status == 400 && (code == 10 || code == 11)) {
            return "Splunk did not get the exporter's channel (X-Splunk-Request-Channel) with the acknowledgement poll: a"
                    + " proxy or load balancer in front of HEC drops or rewrites that header, or sends the poll to another"
                    + " indexer than the events (acknowledgements need sticky sessions); let the header through to the"
                    + " indexer that took the events, or set `indexerAcknowledgement: false`";
        }
        return fix(status, body);
    }

    private static int hecCode(String body) {
        try {
            JsonNode answer = JSON.readTree(body);
            return answer != null && answer.path("code").isInt() ? answer.path("code").asInt() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws Exception {
        List<HttpDelivery.Response> answers = sink.ship(records);
        if (acks == null) {
            return;
        }
        Set<Long> pending = new LinkedHashSet<>();
        for (HttpDelivery.Response answer : answers) {
            JsonNode ackId = JSON.readTree(answer.body()).path("ackId");
            if (!ackId.canConvertToLong()) {
                throw new DestinationUnavailableException("exporter " + id + ": " + sink.url() + " answered " + answer.status()
                        + " without an ackId (" + answer.text() + ") although the request named a channel; indexer"
                        + " acknowledgement may be off on the token: set `indexerAcknowledgement: false` or enable it", null);
            }
            pending.add(ackId.asLong());
        }
        awaitAcks(pending);
    }

    /** Polls {@code /services/collector/ack} until every ackId is true, within {@code ackTimeout}. */
    private void awaitAcks(Set<Long> pending) throws Exception {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        long pause = 100;
        int total = pending.size();
        while (!pending.isEmpty()) {
            HttpDelivery.Response answer = acks.post(JSON.writeValueAsBytes(Map.of("acks", new ArrayList<>(pending))));
            if (answer.status() / 100 != 2) {
                // The poll itself refused (its body, as Splunk reads it): asking again cannot help. The batch is not
                // committed: the exporter fails the pass, and a later one sends the batch again.
                throw new DestinationUnavailableException("exporter " + id + ": " + acks.url() + " answered " + answer.status()
                        + " (" + answer.text() + ") to the acknowledgement poll; the batch is not committed and will be"
                        + " shipped again on a later pass", null);
            }
            JsonNode states = JSON.readTree(answer.body()).path("acks");
            pending.removeIf(ackId -> states.path(String.valueOf(ackId)).asBoolean(false));
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() + pause * 1_000_000 > deadline) {
                // Not a refusal: the events may be indexed yet, or lost. The batch is retried as any failed one (the
                // RetryPolicy's retries, the pass's catch-up), sent whole again: with indexer acknowledgement Splunk HEC
                // delivery is at-least-once, and events indexed after the timeout are in Splunk twice.
                throw new TimeoutException("exporter " + id + ": Splunk acknowledged " + (total - pending.size())
                        + " of the batch's " + total + " requests within ackTimeout " + ackTimeout + " (channel " + channel
                        + ", ackIds still pending: " + pending + "); the batch is not committed and will be shipped again, so"
                        + " Splunk may hold the events it indexed late twice");
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 5_000);
        }
    }

    @Override
    public void bind(CamelContext context) {
        sink.bind(context);
        if (acks != null) {
            acks.bind(context);
        }
    }

    @Override
    public String describe() {
        return "Splunk HEC " + sink.url() + (acks == null ? "" : " with indexer acknowledgement (channel " + channel + ")")
                + " (dead letters: " + sink.deadLetters().file() + ")";
    }
}
