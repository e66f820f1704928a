package io.auditshipper.exporter.http;

import io.auditshipper.model.AuditLogRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs a batch into requests within a destination's documented limits, up front: at most
 * {@code maxRecords} records, and at most {@code maxBodyBytes} of body, counted before gzip (from the entries'
 * sizes, exactly, so each request is filled as far as the limit allows) or after it (for destinations that
 * count what is sent, such as New Relic: a packed body whose gzip is over the limit is cut into as many runs of
 * about equal bytes as the ratio asks). A record over the limit on its own is handed to {@code oversize}.
 * The one place where an HTTP exporter's requests are built, including the parts of a request sent again after
 * the destination refused it ({@link #part}), so every request goes out encoded the same way.
 */
public final class RequestPacker {

    /** What to do with a record that is too large on its own. */
    @FunctionalInterface
    public interface Oversize {
        void reject(AuditLogRecord record, long bodyBytes);
    }

    /** Whether the destination's size limit counts the body before or after gzip. */
    public enum LimitOn { UNCOMPRESSED, COMPRESSED }

    private final RequestEncoder encoder;
    private final boolean gzip;
    private final int maxRecords;
    private final long maxBodyBytes;
    private final LimitOn limitOn;

    public RequestPacker(RequestEncoder encoder, boolean gzip, int maxRecords, long maxBodyBytes, LimitOn limitOn) {
        if (limitOn == LimitOn.COMPRESSED && !gzip) {
            throw new IllegalArgumentException("a limit on the compressed body needs gzip");
        }
        this.encoder = encoder;
        this.gzip = gzip;
        this.maxRecords = maxRecords;
        this.maxBodyBytes = maxBodyBytes;
        this.limitOn = limitOn;
    }

    /** The same limits with another encoder (one stamping a batch's logs with the times it is shipped with). */
    public RequestPacker encodingWith(RequestEncoder other) {
        return new RequestPacker(other, gzip, maxRecords, maxBodyBytes, limitOn);
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    public List<LogRequest> pack(List<AuditLogRecord> records, Oversize oversize) throws IOException {
        List<LogRequest> requests = new ArrayList<>();
        List<AuditLogRecord> packed = new ArrayList<>();
        List<byte[]> entries = new ArrayList<>();
        long entryBytes = 0;
        // Before gzip, the limit is the body's exact size; after gzip, the body is packed by count and cut after.
        long uncompressedLimit = limitOn == LimitOn.UNCOMPRESSED ? maxBodyBytes : Long.MAX_VALUE;
        for (AuditLogRecord record : records) {
            byte[] entry = encoder.entry(record);
            long alone = encoder.bodySize(1, entry.length);
            if (alone > uncompressedLimit) {
                oversize.reject(record, alone);
                continue;
            }
            if (!packed.isEmpty() && (packed.size() == maxRecords
                    || encoder.bodySize(packed.size() + 1, entryBytes + entry.length) > uncompressedLimit)) {
                fit(packed, entries, entryBytes, requests, oversize);
                packed = new ArrayList<>();
                entries = new ArrayList<>();
                entryBytes = 0;
            }
            packed.add(record);
            entries.add(entry);
            entryBytes += entry.length;
        }
        if (!packed.isEmpty()) {
            fit(packed, entries, entryBytes, requests, oversize);
        }
        return requests;
    }

    /** The request holding the entries {@code from} to {@code to} of {@code request}, encoded as the request was. */
    public LogRequest part(LogRequest request, int from, int to) throws IOException {
        return asSent(request.records().subList(from, to), request.entries().subList(from, to));
    }

    private LogRequest asSent(List<AuditLogRecord> records, List<byte[]> entries) throws IOException {
        byte[] body = encoder.body(entries);
        return new LogRequest(List.copyOf(records), List.copyOf(entries), gzip ? Gzip.compress(body) : body);
    }

    /** Adds the request, or, when its gzip is over a compressed limit, the runs it is cut into. */
    private void fit(List<AuditLogRecord> records, List<byte[]> entries, long entryBytes, List<LogRequest> out,
                     Oversize oversize) throws IOException {
        LogRequest request = asSent(records, entries);
        if (limitOn == LimitOn.UNCOMPRESSED || request.body().length <= maxBodyBytes) {
            out.add(request);
            return;
        }
        if (records.size() == 1) {
            oversize.reject(records.get(0), request.body().length);
            return;
        }
        // Gzip ratios vary little within a batch: runs of entryBytes / runs bytes each fit, or are cut again.
        int runs = (int) Math.min(records.size(), request.body().length / maxBodyBytes + 1);
        long perRun = entryBytes / runs + 1;
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            bytes += entries.get(i).length;
            if (bytes >= perRun || i == records.size() - 1) {
                fit(records.subList(from, i + 1), entries.subList(from, i + 1), bytes, out, oversize);
                from = i + 1;
                bytes = 0;
            }
        }
    }
}
