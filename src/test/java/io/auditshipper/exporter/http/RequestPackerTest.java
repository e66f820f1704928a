package io.auditshipper.exporter.http;

import io.auditshipper.model.AuditLogRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Packing requests by count and bytes, before or after gzip, with a JSON array encoder whose entries are the records. */
class RequestPackerTest {

    /** Each record's JSON as its entry, in a JSON array. */
    private static final RequestEncoder ARRAY = new JsonFraming.Encoder() {
        @Override
        public byte[] entry(AuditLogRecord record) {
            return record.json().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public JsonFraming framing() {
            return JsonFraming.ARRAY;
        }
    };

    private static List<AuditLogRecord> records(int... sizes) {
        List<AuditLogRecord> records = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < sizes.length; i++) {
            StringBuilder noise = new StringBuilder();
            while (noise.length() < sizes[i] - 20) {
                noise.append(Integer.toHexString(random.nextInt()));
            }
            String json = "{\"id\":\"r" + i + "\",\"n\":\"" + noise.substring(0, sizes[i] - 20) + "\"}";
            records.add(new AuditLogRecord("r" + i, Instant.EPOCH.plusSeconds(i), json));
        }
        return records;
    }

    private static byte[] gunzip(byte[] body) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void fillsEachRequestToTheByteLimitBeforeGzipInOrder() throws IOException {
        int[] sizes = new int[100];
        java.util.Arrays.fill(sizes, 1_000);
        sizes[97] = 40_000;
        List<AuditLogRecord> records = records(sizes);
        RequestPacker packer = new RequestPacker(ARRAY, true, 1000, 50_000, RequestPacker.LimitOn.UNCOMPRESSED);

        List<LogRequest> requests = packer.pack(records, (record, bytes) -> {
            throw new AssertionError("nothing is oversized");
        });

        // Entries of 998 or 999 bytes: 50 fill 50,000 with the brackets and commas, 47 more are all that fit before
        // the 40,000 one, which goes with the last two.
        assertThat(requests).extracting(r -> r.records().size()).containsExactly(50, 47, 3);
        for (LogRequest request : requests) {
            byte[] body = gunzip(request.body());
            assertThat(body.length).isLessThanOrEqualTo(50_000)
                    .isEqualTo((int) ARRAY.bodySize(request.entries().size(), request.entries().stream().mapToLong(e -> e.length).sum()));
        }
        assertThat(requests.stream().flatMap(r -> r.records().stream()).toList()).containsExactlyElementsOf(records);
    }

    @Test
    void countsAreCappedAndARecordOverTheLimitAloneIsHandedBack() throws IOException {
        List<AuditLogRecord> records = records(100, 100, 100, 100, 100, 9_000, 100);
        RequestPacker packer = new RequestPacker(ARRAY, false, 2, 1_000, RequestPacker.LimitOn.UNCOMPRESSED);
        List<AuditLogRecord> rejected = new ArrayList<>();

        List<LogRequest> requests = packer.pack(records, (record, bytes) -> rejected.add(record));

        assertThat(requests).extracting(r -> r.records().size()).containsExactly(2, 2, 2);
        assertThat(rejected).extracting(AuditLogRecord::id).containsExactly("r5");
    }

    @Test
    void overACompressedLimitABodyIsCutIntoRunsOfAboutEqualBytesNotHalvedOverAndOver() throws IOException {
        int[] sizes = new int[300];
        java.util.Arrays.fill(sizes, 2_000);
        List<AuditLogRecord> records = records(sizes);
        // Hex noise gzips to about half: 600 KB of entries is about 300 KB sent, three runs under 120 KB.
        RequestPacker packer = new RequestPacker(ARRAY, true, Integer.MAX_VALUE, 120_000, RequestPacker.LimitOn.COMPRESSED);

        List<LogRequest> requests = packer.pack(records, (record, bytes) -> {
            throw new AssertionError("nothing is oversized");
        });

        assertThat(requests).allSatisfy(r -> assertThat(r.body().length).isLessThanOrEqualTo(120_000));
        assertThat(requests.size()).isBetween(3, 4);
        assertThat(requests.stream().flatMap(r -> r.records().stream()).toList()).containsExactlyElementsOf(records);
        LogRequest half = packer.part(requests.get(0), 0, 10);
        assertThat(new String(gunzip(half.body()), StandardCharsets.UTF_8)).startsWith("[{\"id\":\"r0\"").endsWith("}]");
    }
}
