package io.auditshipper.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.kestra.KestraApiClient;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Offsets in the Kestra KV store of a namespace ({@code /api/v1/{tenant}/namespaces/{ns}/kv/{offsetKey}}),
 * where Kestra's own task keeps them. The value is the offsets' JSON; Kestra may answer it back as a
 * string or as the parsed object.
 */
public final class KestraKvOffsetStore implements OffsetStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KestraApiClient client;
    private final URI uri;

    public KestraKvOffsetStore(KestraApiClient client, String namespace, String key) {
        this.client = client;
        this.uri = client.uri("namespaces/" + KestraApiClient.encode(namespace) + "/kv/" + KestraApiClient.encode(key), Map.of());
    }

    @Override
    public StoredOffsets load() {
        try {
            String body = client.get(uri);
            if (body == null) {
                return StoredOffsets.NONE;
            }
            JsonNode value = JSON.readTree(body).path("value");
            return StoredOffsets.fromJson(value.isTextual() ? value.asText() : value.toString());
        } catch (KestraApiClient.KestraApiException | IOException e) {
            throw new OffsetStoreException("cannot read offsets from Kestra KV " + uri, e);
        }
    }

    @Override
    public void save(StoredOffsets offsets) {
        try {
            client.put(uri, offsets.toJson());
        } catch (KestraApiClient.KestraApiException e) {
            throw new OffsetStoreException("cannot write offsets to Kestra KV " + uri, e);
        }
    }

    /** Not locked: the Kestra KV API has no lease or compare-and-set to build one on (see the README). */
    @Override
    public void lock() {
    }

    @Override
    public String describe() {
        return "kestra kv " + uri;
    }
}
