package io.auditshipper.exporter.splunk;

import io.auditshipper.exporter.encoding.Compression;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.http.HttpClientOptions;
import io.auditshipper.exporter.http.HttpLogExporter;

import java.net.URI;
import java.time.Duration;

/**
 * Kestra's Splunk {@code LogExporter} properties, read and checked, and the limits of Splunk's HTTP Event Collector.
 *
 * @param hostField the {@code host} of every event: the shipper's host name unless set
 * @param indexerAcknowledgement whether a batch counts as shipped only once HEC says it is indexed: "By default, when
 *                               HEC receives an event successfully, it immediately sends an HTTP Status 200 code to
 *                               the sender of the data. However, this only means that the event data appears to be
 *                               valid" (https://help.splunk.com/splunk-enterprise/get-data-in/collect-http-event-data/about-http-event-collector-indexer-acknowledgment);
 *                               the token must have indexer acknowledgement enabled
 * @param ackTimeout how long the batch's ackIds are polled before it is shipped again
 */
public record SplunkConfig(URI host, String token, String source, String index, String sourcetype, String hostField,
                           Compression compression, boolean indexerAcknowledgement, Duration ackTimeout,
                           int maxRequestBytes) {

    /**
     * HEC refuses a request over {@code max_content_length} ({@code [http_input]} in limits.conf,
     * https://docs.splunk.com/Documentation/Splunk/latest/Admin/Limitsconf#.5Bhttp_input.5D): 838860800 bytes in the
     * limits.conf current Splunk Enterprise ships, 1000000 before 6.5.0 (as Splunk's fluent-plugin-splunk-hec README
     * gives them: "In Splunk of version 6.5.0+, the default value is 800MiB, while in versions before 6.5.0, it's just
     * 1MB"); 1 MB uncompressed fits both.
     */
    static final int DEFAULT_MAX_REQUEST_BYTES = 1_000_000;

    static final ExporterProperty<URI> HOST = ExporterProperty.httpUrl("host").required("https://splunk.example.com:8088");
    static final ExporterProperty<String> TOKEN = ExporterProperty.text("token")
            .required("\"{{ secret('SPLUNK_HEC_TOKEN') }}\"");
    static final ExporterProperty<String> SOURCE = ExporterProperty.text("source").orElse("Kestra");
    static final ExporterProperty<String> INDEX = ExporterProperty.text("index");
    static final ExporterProperty<String> SOURCETYPE = ExporterProperty.text("sourcetype");
    static final ExporterProperty<String> HOST_FIELD = ExporterProperty.text("hostField")
            .orElseGet(HttpLogExporter::localHostname);
    static final ExporterProperty<Compression> COMPRESSION = Compression.property(Compression.GZIP);
    static final ExporterProperty<Boolean> INDEXER_ACKNOWLEDGEMENT = ExporterProperty.flag("indexerAcknowledgement")
            .orElse(false);
    static final ExporterProperty<Duration> ACK_TIMEOUT = ExporterProperty.duration("ackTimeout")
            .orElse(Duration.ofMinutes(2));
    static final ExporterProperty<Integer> MAX_REQUEST_BYTES = ExporterProperty.positive("maxRequestBytes",
            Integer.MAX_VALUE).orElse(DEFAULT_MAX_REQUEST_BYTES);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(HOST, TOKEN, HttpClientOptions.PROPERTIES, SOURCE,
            INDEX, SOURCETYPE, HOST_FIELD, COMPRESSION, INDEXER_ACKNOWLEDGEMENT, ACK_TIMEOUT, MAX_REQUEST_BYTES);

    public static SplunkConfig of(ExporterConfig config) {
        return new SplunkConfig(HOST.of(config), TOKEN.of(config), SOURCE.of(config), INDEX.of(config),
                SOURCETYPE.of(config), HOST_FIELD.of(config),
                COMPRESSION.of(config), INDEXER_ACKNOWLEDGEMENT.of(config), ACK_TIMEOUT.of(config),
                MAX_REQUEST_BYTES.of(config));
    }
}
