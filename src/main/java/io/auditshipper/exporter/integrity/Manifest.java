package io.auditshipper.exporter.integrity;

import io.auditshipper.model.AuditLogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the manifest chain of one file or object-store exporter: for each data object, an entry object
 * {@code <logFilePrefix>.manifest/<seq>-<object name>.json} ({@link ManifestEntry}) holding the SHA-256 of the entry
 * before it. The chain is in the order objects are written ({@code seq}), not in name order: a late log's object is
 * named after an earlier time, but chained after the objects written before it.
 *
 * <p>Objects have no append, so each entry is its own object. At its first write after a start the writer lists the
 * manifest folder (names only) to learn the last {@code seq} and which object each entry records. An object written
 * again (a replay after a crash between the write and the offset commit, or after {@code --set-offset}) keeps its
 * entry's {@code seq}, and its entry is chained to the entry before it as it is now: same names and same content give
 * the same entries, byte for byte. A new object gets the next {@code seq}.
 */
public final class Manifest {

    /** Writes one object: the exporter's own upload or file write, so its retries and errors apply. */
    @FunctionalInterface
    public interface Writer {
        void write(String name, byte[] content) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(Manifest.class);
    private static final Pattern ENTRY = Pattern.compile("(\\d{10})-(.+)\\.json");

    private final String prefix;
    private final StoredObjects objects;
    /** Loaded at the first write: seq to the data object's name, and back. */
    private NavigableMap<Long, String> recorded;
    private Map<String, Long> seqOf;
    private long writtenSeq;
    private String writtenSha256;

    public Manifest(String prefix, StoredObjects objects) {
        this.prefix = prefix;
        this.objects = objects;
    }

    /** Where the entries of the objects named {@code <prefix>-...} are: {@code <prefix>.manifest/}. */
    public static String folder(String prefix) {
        return prefix + ".manifest/";
    }

    static String entryName(String prefix, long seq, String dataName) {
        // Locale.ROOT: ASCII digits whatever the JVM's locale, or a listing would not find the chain.
        return folder(prefix) + String.format(Locale.ROOT, "%010d", seq) + "-" + dataName.substring(dataName.lastIndexOf('/') + 1)
                + ".json";
    }

    /** The entry's seq and the data object's name, read from an entry's object name; null for another name. */
    static Map.Entry<Long, String> parseEntryName(String prefix, String entryName) {
        String folder = folder(prefix);
        Matcher m = entryName.startsWith(folder) ? ENTRY.matcher(entryName.substring(folder.length())) : null;
        if (m == null || !m.matches()) {
            return null;
        }
        return Map.entry(Long.parseLong(m.group(1)), prefix.substring(0, prefix.lastIndexOf('/') + 1) + m.group(2));
    }

    /**
     * Records the data object just written ({@code sha256} of its bytes as stored) and writes its entry through
     * {@code writer}. Call it after the data object is durably written: an entry never records an object that is
     * not there, and a crash in between writes both again on the replay.
     */
    public synchronized void append(String dataName, String sha256, List<AuditLogRecord> records, Writer writer) throws IOException {
        if (recorded == null) {
            load();
        }
        Long existing = seqOf.get(dataName);
        long seq = existing != null ? existing : (recorded.isEmpty() ? 1 : recorded.lastKey() + 1);
        ManifestEntry entry = new ManifestEntry(seq, dataName, sha256, records.size(), records.get(0).offset(),
                records.get(records.size() - 1).offset(), seq == 1 ? null : hashOf(seq - 1));
        byte[] bytes = entry.bytes();
        writer.write(entryName(prefix, seq, dataName), bytes);
        recorded.put(seq, dataName);
        seqOf.put(dataName, seq);
        writtenSeq = seq;
        writtenSha256 = Sha256.of(bytes);
    }

    private void load() throws IOException {
        NavigableMap<Long, String> names = new TreeMap<>();
        Map<String, Long> seqs = new HashMap<>();
        for (String name : objects.list(folder(prefix))) {
            Map.Entry<Long, String> entry = parseEntryName(prefix, name);
            if (entry != null) {
                names.put(entry.getKey(), entry.getValue());
                seqs.merge(entry.getValue(), entry.getKey(), Math::max);
            }
        }
        recorded = names;
        seqOf = seqs;
    }

    /** The SHA-256 of entry {@code seq} as stored: the one just written, else read back. */
    private String hashOf(long seq) throws IOException {
        if (seq == writtenSeq) {
            return writtenSha256;
        }
        String dataName = recorded.get(seq);
        try (InputStream in = dataName == null ? null : objects.open(entryName(prefix, seq, dataName))) {
            if (in != null) {
                return Sha256.of(in);
            }
        }
        // Shipping goes on; --verify reports the gap, as it would without this entry.
        LOG.warn("manifest entry {} under {} is missing: the chain is broken there (--verify reports it); entry {} starts"
                + " a new chain", seq, folder(prefix), seq + 1);
        return null;
    }
}
