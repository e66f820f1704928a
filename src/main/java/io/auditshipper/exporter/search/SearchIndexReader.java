package io.auditshipper.exporter.search;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.exporter.integrity.DocumentHash;
import io.auditshipper.verify.DestinationReader;
import io.auditshipper.verify.LogLines;

import java.io.Closeable;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An Elasticsearch or OpenSearch exporter's index read back for {@code --verify}: a scroll (both engines have it,
 * on every version the exporters support) over the documents whose {@code date} lies in the range, in index order
 * ({@code _doc}, the cheapest), fetching only {@code _id} and the {@code id} and {@code date} of the source. A
 * document counts under its source's {@code id} (its {@code _id} when it has none), so a log's content indexed a
 * second time under another {@code _id} shows as a duplicate, not as a stranger. For an exporter that shipped with
 * {@code tamperEvident}, the whole {@code _source} is fetched and each document's SHA-256 checked
 * ({@link DocumentHash}) on its source exactly as the engine returns it, cut out of the answer, never re-serialized.
 */
public final class SearchIndexReader implements DestinationReader {

    /** One HTTP answer: its status and body. */
    public record Answer(int status, String body) {
    }

    /**
     * A request through the engine's own low-level client (the exporter's hosts, credentials, headers, TLS); an error
     * status is an answer too, not an exception.
     */
    @FunctionalInterface
    public interface Sender<C> {
        Answer send(C client, String method, String path, String json) throws IOException;
    }

    private interface Transport {
        Answer send(String method, String path, String json) throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 5000;
    private static final String KEEP_ALIVE = "2m";

    private final String engine;
    private final SearchConnection connection;
    private final String index;
    private final Transport transport;
    private final Closeable client;
    private final boolean hashed;

    /** {@code hashed}: the documents carry the SHA-256 of their record ({@code tamperEvident}), checked as read. */
    private SearchIndexReader(String engine, SearchConnection connection, String index, Transport transport,
                             Closeable client, boolean hashed) {
        this.engine = engine;
        this.connection = connection;
        this.index = index;
        this.transport = transport;
        this.client = client;
        this.hashed = hashed;
    }

    /** For {@code --verify}: an exporter's index read back over its own connection settings, through the engine's client. */
    public static <C extends Closeable> SearchIndexReader of(String engine, ExporterConfig config,
                                                             Function<SearchConnection, C> open, Sender<C> sender) {
        SearchConfig settings = SearchConfig.of(config);
        C client = open.apply(settings.connection());
        return new SearchIndexReader(engine, settings.connection(), settings.indexName(),
                (method, path, json) -> sender.send(client, method, path, json), client, settings.hashField() != null);
    }

    @Override
    public boolean checksContent() {
        return hashed;
    }

    @Override
    public long read(Instant from, Instant until, Each each) throws IOException {
        ObjectNode query = JSON.createObjectNode();
        query.put("size", PAGE);
        query.putArray("sort").add("_doc");
        if (!hashed) {
            query.putArray("_source").add("id").add("date");
        }
        // The date is indexed at millisecond precision: the range is widened to whole milliseconds, and the check
        // sorts out, by the source's own date, what lies outside the range.
        query.putObject("query").putObject("range").putObject("date")
                .put("gte", from.truncatedTo(ChronoUnit.MILLIS).toString())
                .put("lte", until.truncatedTo(ChronoUnit.MILLIS).plusMillis(1).toString());
        String path = "/" + URLEncoder.encode(index, StandardCharsets.UTF_8);
        // A document the bulk acknowledged is durable but searchable only after the index's next refresh (each
        // second by default): without one, a check right after a pass finds the last documents missing.
        Answer refreshed = transport.send("POST", path + "/_refresh", null);
        if (refreshed.status() == 404 && refreshed.body().contains("index_not_found_exception")) {
            return 0;
        }
        answered(refreshed, path + "/_refresh");
        Answer answer = transport.send("POST", path + "/_search?scroll=" + KEEP_ALIVE, query.toString());
        long unreadable = 0;
        String scrollId = null;
        try {
            while (true) {
                JsonNode page = answered(answer, "/" + index + "/_search");
                scrollId = page.path("_scroll_id").asText(null);
                JsonNode hits = page.path("hits").path("hits");
                if (hits.isEmpty()) {
                    return unreadable;
                }
                List<String> storedSources = hashed ? storedSources(answer.body()) : List.of();
                for (int i = 0; i < hits.size(); i++) {
                    JsonNode hit = hits.get(i);
                    JsonNode source = hit.path("_source");
                    String id = source.path("id").isTextual() ? source.path("id").asText() : hit.path("_id").asText(null);
                    if (id == null) {
                        unreadable++;
                        continue;
                    }
                    boolean edited = hashed && DocumentHash.verify(storedSources.get(i)) != DocumentHash.Verdict.OK;
                    each.held(new HeldLog(id, date(source.path("date")), edited));
                }
                if (scrollId == null) {
                    return unreadable;
                }
                answer = transport.send("POST", "/_search/scroll", JSON.createObjectNode()
                        .put("scroll", KEEP_ALIVE).put("scroll_id", scrollId).toString());
            }
        } finally {
            if (scrollId != null) {
                // Frees the search context now rather than when its keep-alive runs out; a failure here changes nothing.
                transport.send("DELETE", "/_search/scroll", JSON.createObjectNode().put("scroll_id", scrollId).toString());
            }
        }
    }

    /**
     * The hits' {@code _source} objects as the engine stored them, in hit order: cut out of the answer's text (the
     * engines copy the stored bytes into it), since parsing and writing them again could change their bytes (number
     * forms, escapes) and so their hash.
     */
    static List<String> storedSources(String body) throws IOException {
        List<String> sources = new ArrayList<>();
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && "_source".equals(parser.currentName())
                        && parser.nextToken() == JsonToken.START_OBJECT) {
                    int start = (int) parser.currentTokenLocation().getCharOffset();
                    parser.skipChildren();
                    sources.add(body.substring(start, (int) parser.currentLocation().getCharOffset()));
                }
            }
        }
        return sources;
    }

    private JsonNode answered(Answer answer, String path) throws IOException {
        if (answer.status() != 200) {
            throw new IOException(engine + " " + connection.urls(path) + " answered " + answer.status() + ": "
                    + answer.body().substring(0, Math.min(answer.body().length(), 500)));
        }
        return JSON.readTree(answer.body());
    }

    private static Instant date(JsonNode date) {
        return date.isTextual() ? LogLines.date(date.asText()) : null;
    }

    @Override
    public String describe() {
        return engine + " " + connection.describe() + " index " + index;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // Closing the client's connections: nothing is lost when it fails.
        }
    }
}
