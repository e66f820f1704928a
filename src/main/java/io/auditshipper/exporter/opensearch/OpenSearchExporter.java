package io.auditshipper.exporter.opensearch;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.search.BulkIndexer;
import io.auditshipper.exporter.search.SearchConnection;
import io.auditshipper.exporter.search.SearchExporter;
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
import org.opensearch.client.opensearch._types.ErrorCause;
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
        return SearchIndexReader.of("OpenSearch", config, connection -> restClient(connection, status -> { }), OpenSearchExporter::send);
    }

    private static SearchIndexReader.Answer send(RestClient client, String method, String path, String json) throws IOException {
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
    protected BulkRequest.Builder bulkRequest(String index, List<Document> documents) {
        lastStatus = 0; // a new bulk: the status of an earlier answer says nothing of its failure
        BulkRequest.Builder request = new BulkRequest.Builder().index(index);
        documents.forEach(document -> request.operations(op -> op.index(item -> item.id(document.id()).document(document.source()))));
        return request;
    }

    @Override
    protected BulkIndexer.ItemResult itemResult(Object answered) {
        BulkResponseItem item = (BulkResponseItem) answered;
        return BulkIndexer.ItemResult.of(item.status(), item.error(), ErrorCause::type, ErrorCause::reason);
    }

    @Override
    protected OptionalInt statusCarriedBy(Throwable failure) {
        if (failure instanceof OpenSearchException e && e.response().status() != null) {
            return OptionalInt.of(e.response().status());
        }
        return failure instanceof ResponseException e
                ? OptionalInt.of(e.getResponse().getStatusLine().getStatusCode()) : OptionalInt.empty();
    }

    @Override
    protected OptionalInt statusOfUncarried() {
        int status = lastStatus;
        return status >= 400 ? OptionalInt.of(status) : OptionalInt.empty();
    }
}
