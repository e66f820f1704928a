package io.auditshipper.exporter.http;

import io.auditshipper.model.AuditLogRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a batch into requests within a destination's limits: at most {@code maxRecords} records and
 * {@code maxBodyBytes} of encoded body (as sent, so after gzip where the destination counts that). A body
 * over the limit is halved until it fits; a single record that cannot fit is handed to {@code oversize}.
 */
public final class RequestSplitter {

    /** What to do with a record that is too large on its own. */
    @FunctionalInterface
    public interface Oversize {
        void reject(AuditLogRecord record, int bodyBytes);
    }

    private final RequestEncoder encoder;
    private final int maxRecords;
    private final long maxBodyBytes;

    public RequestSplitter(RequestEncoder encoder, int maxRecords, long maxBodyBytes) {
        this.encoder = encoder;
        this.maxRecords = maxRecords;
        this.maxBodyBytes = maxBodyBytes;
    }

    public List<LogRequest> split(List<AuditLogRecord> records, Oversize oversize) throws IOException {
        List<LogRequest> requests = new ArrayList<>();
        for (int from = 0; from < records.size(); from += maxRecords) {
            fit(records.subList(from, Math.min(records.size(), from + maxRecords)), requests, oversize);
        }
        return requests;
    }

    private void fit(List<AuditLogRecord> records, List<LogRequest> out, Oversize oversize) throws IOException {
        byte[] body = encoder.encode(records);
        if (body.length <= maxBodyBytes) {
            out.add(new LogRequest(List.copyOf(records), body));
        } else if (records.size() == 1) {
            oversize.reject(records.get(0), body.length);
        } else {
            int half = records.size() / 2;
            fit(records.subList(0, half), out, oversize);
            fit(records.subList(half, records.size()), out, oversize);
        }
    }
}
