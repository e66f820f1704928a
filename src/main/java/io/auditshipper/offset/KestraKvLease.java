package io.auditshipper.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditshipper.kestra.KestraApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A lease on an offset key in the Kestra KV store, which has no lock and no compare-and-set to build one on.
 * The holder writes {@code {holder, expiresAt}} under {@code <offsetKey>.lease}, reads it back a moment later
 * (of two shippers starting together, both then read the last write, so one goes on), and renews it in the
 * background. A shipper that finds another's unexpired lease does not start. Each pass start and each offset
 * commit checks the lease is still this process's: a shipper that stalled past its expiry while another took
 * over finds out before it commits, so at most the batch in flight is shipped twice (to the same object names
 * and document ids) and its offsets are never written over the new holder's.
 */
final class KestraKvLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KestraKvLease.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Holding(String holder, Instant expiresAt) {
    }

    private final KestraApiClient client;
    private final URI uri;
    private final String offsetKey;
    private final Duration duration;
    private final Duration readBackDelay;
    private final LeaseTimer timer;
    private final String holder;
    private LeaseTimer.Repeating renewal;

    KestraKvLease(KestraApiClient client, URI uri, String offsetKey, Duration duration, Duration readBackDelay, LeaseTimer timer) {
        this.client = client;
        this.uri = uri;
        this.offsetKey = offsetKey;
        this.duration = duration;
        this.readBackDelay = readBackDelay;
        this.timer = timer;
        this.holder = host() + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    synchronized void acquire() {
        if (renewal != null) {
            return;
        }
        refuseIfHeldByAnother(read());
        write();
        try {
            timer.sleep(readBackDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OffsetStoreException("interrupted while taking the lease " + uri, e);
        }
        refuseIfHeldByAnother(read());
        Duration every = duration.dividedBy(3);
        renewal = timer.every(every, this::renew, "kestra-kv-lease");
        LOG.info("holding the lease on offsetKey {} in Kestra KV as {}, renewed every {} ms", offsetKey, holder, every.toMillis());
    }

    /** @throws OffsetStoreException unless this process holds the lease (it is not checked before {@link #acquire()}) */
    synchronized void verify() {
        if (renewal == null) {
            return;
        }
        Holding current = read();
        if (current == null || !current.holder().equals(holder)) {
            throw new OffsetStoreException("lost the lease on offsetKey " + offsetKey + " in Kestra KV " + uri + " to "
                    + (current == null ? "nobody (it was deleted)" : current.holder() + " until " + current.expiresAt())
                    + "; no offset is written: restart this shipper once the other one has stopped", null);
        }
    }

    private synchronized void renew() {
        try {
            Holding current = read();
            if (current != null && !current.holder().equals(holder)) {
                LOG.error("the lease on offsetKey {} was taken by {}; this shipper will not commit again", offsetKey, current.holder());
                return;
            }
            write();
        } catch (RuntimeException e) {
            LOG.warn("cannot renew the lease on offsetKey {} (will retry): {}", offsetKey, e.getMessage());
        }
    }

    private void refuseIfHeldByAnother(Holding current) {
        if (current != null && !current.holder().equals(holder) && current.expiresAt().isAfter(timer.now())) {
            throw new OffsetStoreException("another shipper holds the lease on offsetKey " + offsetKey + " in Kestra KV "
                    + uri + " (" + current.holder() + ", until " + current.expiresAt() + "); only one instance may ship:"
                    + " stop the other one, or wait for its lease to expire if it died", null);
        }
    }

    private void write() {
        ObjectNode value = JSON.createObjectNode().put("holder", holder)
                .put("expiresAt", timer.now().plus(duration).toString());
        try {
            client.put(uri, value.toString());
        } catch (KestraApiClient.KestraApiException e) {
            throw new OffsetStoreException("cannot write the lease to Kestra KV " + uri, e);
        }
    }

    /** The lease as stored, or null when there is none or it cannot be understood (a lease nobody holds). */
    private Holding read() {
        try {
            String body = client.get(uri);
            if (body == null) {
                return null;
            }
            JsonNode value = JSON.readTree(body).path("value");
            JsonNode lease = value.isTextual() ? JSON.readTree(value.asText()) : value;
            if (!lease.path("holder").isTextual() || !lease.path("expiresAt").isTextual()) {
                return null;
            }
            return new Holding(lease.get("holder").asText(), Instant.parse(lease.get("expiresAt").asText()));
        } catch (KestraApiClient.KestraApiException e) {
            throw new OffsetStoreException("cannot read the lease from Kestra KV " + uri, e);
        } catch (IOException | RuntimeException e) {
            LOG.warn("the lease in Kestra KV {} cannot be read ({}); taking it as free", uri, e.getMessage());
            return null;
        }
    }

    @Override
    public synchronized void close() {
        if (renewal == null) {
            return;
        }
        renewal.stop();
        renewal = null;
        try {
            Holding current = read();
            if (current != null && current.holder().equals(holder)) {
                client.delete(uri);
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot release the lease on offsetKey {}; it expires by itself: {}", offsetKey, e.getMessage());
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
