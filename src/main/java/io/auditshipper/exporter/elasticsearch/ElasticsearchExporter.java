package io.auditshipper.exporter.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.TransportException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.ExporterContext;
import io.auditshipper.exporter.search.BulkIndexer;
import io.auditshipper.exporter.search.SearchConnection;
import io.auditshipper.exporter.search.SearchExporter;
import org.apache.camel.Component;
import org.apache.camel.component.es.ElasticsearchComponent;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import io.auditshipper.exporter.search.SearchIndexReader;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

/**
 * Kestra's {@code io.kestra.plugin.ee.elasticsearch.LogExporter}, through camel-elasticsearch's Bulk
 * operation on Elastic's low-level client (Apache HttpClient 4).
 */
public final class ElasticsearchExporter extends SearchExporter {

    public ElasticsearchExporter(ExporterConfig config, ExporterContext context) {
        super("Elasticsearch", config, context);
    }

    @Override
    protected Component component() {
        ElasticsearchComponent component = new ElasticsearchComponent();
        component.setClient(restClient(connection));
        return component;
    }

    /** For {@code --verify}: the exporter's index read back over the same connection settings. */
    public static SearchIndexReader reader(ExporterConfig config) {
        return SearchIndexReader.of("Elasticsearch", config, ElasticsearchExporter::restClient, ElasticsearchExporter::send);
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
        return new SearchIndexReader.Answer(response.getStatusLine().getStatusCode(),
                EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8));
    }

    private static RestClient restClient(SearchConnection connection) {
        RestClientBuilder builder = RestClient.builder(connection.hosts().stream()
                .map(uri -> new HttpHost(uri.getHost(), SearchConnection.port(uri), uri.getScheme())).toArray(HttpHost[]::new));
        builder.setDefaultHeaders(connection.headers().entrySet().stream()
                .map(header -> new BasicHeader(header.getKey(), header.getValue())).toArray(Header[]::new));
        if (connection.pathPrefix() != null) {
            builder.setPathPrefix(connection.pathPrefix());
        }
        builder.setHttpClientConfigCallback(http -> {
            if (connection.username() != null) {
                BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(connection.username(), connection.password()));
                http.setDefaultCredentialsProvider(credentials);
            }
            if (connection.trustAllSsl()) {
                http.setSSLContext(SearchConnection.trustingEveryCertificate()).setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);
            }
            return http;
        });
        return builder.build();
    }

    @Override
    protected BulkRequest.Builder bulkRequest(String index, List<Document> documents) {
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
        if (failure instanceof ElasticsearchException e) {
            return OptionalInt.of(e.status());
        }
        if (failure instanceof TransportException e && e.statusCode() > 0) {
            return OptionalInt.of(e.statusCode());
        }
        return failure instanceof ResponseException e
                ? OptionalInt.of(e.getResponse().getStatusLine().getStatusCode()) : OptionalInt.empty();
    }
}
