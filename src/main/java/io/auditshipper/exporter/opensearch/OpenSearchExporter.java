package io.auditshipper.exporter.opensearch;

import com.fasterxml.jackson.databind.util.RawValue;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.search.BulkIndexer;
import io.auditshipper.exporter.search.SearchConfig;
import io.auditshipper.exporter.search.SearchConnection;
import io.auditshipper.exporter.search.SearchExporter;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.Component;
import org.apache.camel.component.opensearch.OpensearchComponent;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import io.auditshipper.exporter.search.SearchIndexReader;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import org.opensearch.client.RestClientBuilder;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.OptionalInt;

/**
 * Kestra's {@code io.kestra.plugin.ee.opensearch.LogExporter}, through camel-opensearch's Bulk operation
 * on OpenSearch's low-level client (Apache HttpClient 5).
 */
public final class OpenSearchExporter extends SearchExporter {

    /**
     * The status of the last HTTP answer, for a failure that does not carry it: on an error body that is not
     * OpenSearch's own (a proxy's 404, another server's JSON) opensearch-java 3.4's exception has no status, and
     * its {@code status()} throws a NullPointerException ("ErrorResponse.status() is null").
     */
    private volatile int lastStatus;

    public OpenSearchExporter(ExporterConfig config, ExporterContext context) {
        super("OpenSearch", config, context);
    }

    @Override
    protected Component component() {
        OpensearchComponent component = new OpensearchComponent();
        component.setClient(restClient(connection, status -> lastStatus = status));
        return component;
    }

    /** For {@code --verify}: the exporter's index read back over the same connection settings. */
    public static SearchIndexReader reader(ExporterConfig config) {
        SearchConfig settings = SearchConfig.of(config);
        SearchConnection connection = settings.connection();
        RestClient client = restClient(connection, status -> { });
        return new SearchIndexReader("OpenSearch", connection, settings.indexName(),
                (method, path, json) -> {
                    Request request = new Request(method, path);
                    request.setJsonEntity(json);
                    Response response;
                    try {
                        response = client.performRequest(request);
                    } catch (ResponseException e) {
                        response = e.getResponse();
                    }
                    try {
                        return new SearchIndexReader.Answer(response.getStatusLine().getStatusCode(),
                                EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8));
                    } catch (ParseException e) {
                        throw new IOException(e);
                    }
                }, client, settings.hashField() != null);
    }

    private static RestClient restClient(SearchConnection connection, IntConsumer onStatus) {
        RestClientBuilder builder = RestClient.builder(connection.hosts().stream()
                .map(uri -> new HttpHost(uri.getScheme(), uri.getHost(), SearchConnection.port(uri))).toArray(HttpHost[]::new));
        builder.setDefaultHeaders(connection.headers().entrySet().stream()
                .map(header -> new BasicHeader(header.getKey(), header.getValue())).toArray(Header[]::new));
        if (connection.pathPrefix() != null) {
            builder.setPathPrefix(connection.pathPrefix());
        }
        builder.setHttpClientConfigCallback(http -> {
            http.addResponseInterceptorLast((response, entity, httpContext) -> onStatus.accept(response.getCode()));
            if (connection.username() != null) {
                BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                credentials.setCredentials(new AuthScope(null, -1),
                        new UsernamePasswordCredentials(connection.username(), connection.password().toCharArray()));
                http.setDefaultCredentialsProvider(credentials);
            }
            if (connection.trustAllSsl()) {
                http.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(SearchConnection.trustingEveryCertificate())
                                .setHostnameVerifier(NoopHostnameVerifier.INSTANCE).build())
                        .build());
            }
            return http;
        });
        return builder.build();
    }

    @Override
    public List<BulkIndexer.ItemResult> index(List<AuditLogRecord> records) {
        lastStatus = 0;
        BulkRequest.Builder request = new BulkRequest.Builder().index(indexName);
        for (AuditLogRecord record : records) {
            // RawValue: Jackson writes the stored JSON as it is, without parsing it into a tree first.
            request.operations(op -> op.index(index -> index.id(record.id()).document(new RawValue(document(record)))));
        }
        return bulk(request).stream().map(BulkResponseItem.class::cast)
                .map(item -> item.error() == null ? new BulkIndexer.ItemResult(item.status(), null, null)
                        : new BulkIndexer.ItemResult(item.status(), item.error().type(), item.error().reason()))
                .toList();
    }

    @Override
    public OptionalInt statusOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof OpenSearchException e && e.response().status() != null) {
                return OptionalInt.of(e.response().status());
            }
            if (cause instanceof ResponseException e) {
                return OptionalInt.of(e.getResponse().getStatusLine().getStatusCode());
            }
        }
        int status = lastStatus;
        return status >= 400 ? OptionalInt.of(status) : OptionalInt.empty();
    }
}
