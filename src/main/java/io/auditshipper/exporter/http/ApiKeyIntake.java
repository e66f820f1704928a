package io.auditshipper.exporter.http;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterProperty;
import io.auditshipper.exporter.DeadLetterFile;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.LogExporter;

import java.net.URI;
import java.util.Map;

/**
 * A logs intake that takes gzipped JSON at {@code <basePath><path>} with an API key header (Datadog,
 * New Relic): all that differs between them, and the exporter made from Kestra's {@code basePath} and
 * {@code apiKey} properties, whose declarations ({@link #basePath()}, {@link #apiKey()}) name the vendor's example.
 */
public record ApiKeyIntake(String name, String path, String keyHeader, String exampleBasePath, String exampleSecret,
                           int maxRecords, long maxBodyBytes, RequestPacker.LimitOn limitOn) {

    public ExporterProperty<URI> basePath() {
        return ExporterProperty.httpUrl("basePath").required(exampleBasePath);
    }

    public ExporterProperty<String> apiKey() {
        return ExporterProperty.text("apiKey").required("\"{{ secret('" + exampleSecret + "') }}\"");
    }

    public LogExporter exporter(ExporterConfig config, URI basePath, String apiKey, ExporterContext context,
                                RequestEncoder encoder) {
        return new HttpLogExporter(name, sink(config, basePath, apiKey, context, encoder));
    }

    /**
     * The sink to {@code basePath} with {@code apiKey}, through the config's HTTP client {@code options}, for an
     * exporter that does more than ship through it.
     */
    public HttpLogSink sink(ExporterConfig config, URI basePath, String apiKey, ExporterContext context,
                            RequestEncoder encoder) {
        DeadLetterFile deadLetters = context.deadLetters(config.id());
        HttpDelivery delivery = new HttpDelivery(config.id(), intakeUrl(basePath, path), "application/json",
                Map.of(keyHeader, apiKey, "Content-Encoding", "gzip"), HttpClientOptions.of(config), context,
                deadLetters);
        return new HttpLogSink(new RequestPacker(encoder, true, Math.min(config.chunk(), maxRecords), maxBodyBytes,
                limitOn),
                delivery, deadLetters);
    }
    /** The intake's path appended to basePath's own, before its query: a token in the query stays a query value. */
    public static String intakeUrl(URI basePath, String path) {
        String base = basePath.getScheme() + "://" + basePath.getRawAuthority()
                + (basePath.getRawPath() == null ? "" : basePath.getRawPath().replaceAll("/+$", ""));
        return base + path + (basePath.getRawQuery() == null ? "" : "?" + basePath.getRawQuery());
    }
}
