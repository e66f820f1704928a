package io.auditshipper.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.kestra.KestraApiClient;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Offsets in the Kestra KV store of a namespace ({@code /api/v1/{tenant}/namespaces/{ns}/kv/{offsetKey}}),
 * where Kestra's own task keeps them. The value is the offsets' JSON; Kestra may answer it back as a
 * string or as the parsed object. Held by one shipper at a time through a {@link KestraKvLease} beside it.
 */
public final class KestraKvOffsetStore implements OffsetStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a lease outlives its last renewal (renewed every third of it), and the wait before reading it back. */
    static final Duration LEASE = Duration.ofSeconds(60);
    static final Duration LEASE_READ_BACK = Duration.ofSeconds(1);

    private final KestraApiClient client;
    private final String namespace;
    private final String key;
    private final KestraKvLease lease;

    public KestraKvOffsetStore(KestraApiClient client, String namespace, String key) {
        this(client, namespace, key, LEASE, LEASE_READ_BACK, LeaseTimer.system());
    }

    /** With the lease's timings and timer given (tests drive them by hand). */
    public KestraKvOffsetStore(KestraApiClient client, String namespace, String key, Duration lease, Duration leaseReadBack,
                               LeaseTimer timer) {
        this.client = client;
        this.namespace = namespace;
        this.key = key;
        this.lease = new KestraKvLease(client, kvUri(client, namespace, key + ".lease"), key, lease, leaseReadBack, timer);
    }

    private static URI kvUri(KestraApiClient client, String namespace, String key) {
        return client.uri("namespaces/" + KestraApiClient.encode(namespace) + "/kv/" + KestraApiClient.encode(key), Map.of());
    }

    @Override
    public String read(String suffix) {
        lease.verify();
        URI uri = kvUri(client, namespace, key + suffix);
        try {
            String body = client.get(uri);
            if (body == null) {
                return null;
            }
            JsonNode value = JSON.readTree(body).path("value");
            return value.isMissingNode() ? "" : value.isTextual() ? value.asText() : value.toString();
        } catch (KestraApiClient.KestraApiException | IOException e) {
            throw new OffsetStoreException("cannot read Kestra KV " + uri, e);
        }
    }

    @Override
    public void write(String suffix, String value) {
        lease.verify();
        URI uri = kvUri(client, namespace, key + suffix);
        try {
            client.put(uri, value);
        } catch (KestraApiClient.KestraApiException e) {
            throw new OffsetStoreException("cannot write Kestra KV " + uri, e);
        }
    }

    @Override
    public void lock() {
        lease.acquire();
    }

    @Override
    public void close() {
        lease.close();
    }

    @Override
    public String describe(String suffix) {
        return "kestra kv " + kvUri(client, namespace, key + suffix);
    }
}
