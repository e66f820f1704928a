package io.auditshipper.exporter.graylog;

import io.auditshipper.exporter.encoding.Compression;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperties;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.http.HttpClientOptions;

import java.net.URI;

/**
 * Kestra's Graylog {@code LogExporter} properties, read and checked, and the limits of a GELF HTTP input
 * (https://go2docs.graylog.org/current/getting_in_log_data/gelf_inputs.html). The exporter posts over HTTP, so the
 * limits GELF documents for UDP ("UDP datagrams are limited to a size of 65536 bytes. Some Graylog components are
 * limited to processing up to 8192 bytes", https://go2docs.graylog.org/current/getting_in_log_data/gelf_format.html)
 * and its chunking do not apply.
 *
 * @param endpoint the input's URL; {@code /gelf} ("This input listens for HTTP posts on the /gelf path") is appended
 *                 when it has no path
 * @param graylogHost the GELF {@code host} of every message
 * @param bulk whether a request carries several newline-delimited messages, which the input takes only with its
 *             "Enable Bulk Receiving" option on (Graylog 4.3 and later); one message per request otherwise
 * @param maxRequestBytes the most one request's body holds, uncompressed
 */
public record GelfConfig(URI endpoint, String graylogHost, Compression compression, boolean bulk, int maxRequestBytes) {

    /** The path a GELF HTTP input listens on. */
    static final String INPUT_PATH = "/gelf";
    /**
     * The GELF HTTP input's default "Max. HTTP chunk size" (its {@code max_chunk_size}, 65536 bytes in the input's
     * form), which bounds a request's body.
     */
    static final int DEFAULT_MAX_REQUEST_BYTES = 65_536;
    /**
     * The most one field holds (cut with a marker): under the 32,766 bytes the search engine behind Graylog
     * (Elasticsearch or OpenSearch, Lucene's maximum term length) keeps of a keyword.
     */
    static final int MAX_FIELD_BYTES = 32_000;

    static final ExporterProperty<URI> ENDPOINT = ExporterProperty.httpUrl("endpoint")
            .required("http://graylog.example.com:12201" + INPUT_PATH);
    static final ExporterProperty<String> GRAYLOG_HOST = ExporterProperty.text("graylogHost").orElse("Kestra");
    static final ExporterProperty<Compression> COMPRESSION = Compression.property(Compression.GZIP);
    static final ExporterProperty<Boolean> BULK = ExporterProperty.flag("bulk").orElse(false);
    static final ExporterProperty<Integer> MAX_REQUEST_BYTES = ExporterProperty.positive("maxRequestBytes",
            Integer.MAX_VALUE).orElse(DEFAULT_MAX_REQUEST_BYTES);

    public static final ExporterProperties PROPERTIES = ExporterProperties.of(ENDPOINT, GRAYLOG_HOST,
            HttpClientOptions.PROPERTIES, BULK, COMPRESSION, MAX_REQUEST_BYTES);

    public static GelfConfig of(ExporterConfig config) {
        return new GelfConfig(ENDPOINT.of(config), GRAYLOG_HOST.of(config), COMPRESSION.of(config), BULK.of(config),
                MAX_REQUEST_BYTES.of(config));
    }
}
