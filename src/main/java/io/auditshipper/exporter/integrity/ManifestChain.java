package io.auditshipper.exporter.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the manifest chain of one file or object-store exporter ({@link Manifest}): every entry in {@code seq}
 * order, numbered without a gap and holding the SHA-256 of the entry before it; every data object an entry records
 * there, with the bytes it records; every data object {@code <prefix>-*} recorded. Entries are small and read whole;
 * data objects are streamed once through SHA-256.
 *
 * <p>What it cannot see alone: the newest entries removed together with their objects (nothing after them points
 * at them), or the whole chain rewritten. {@link Result#headSha256} is the SHA-256 of the last entry: kept
 * somewhere else, it anchors the chain against both.
 */
public final class ManifestChain {

    /** What was checked: entries, data objects, the last entry's SHA-256 (null without entries), and the findings. */
    public record Result(int entries, int objects, String headSha256, List<ChainFinding> findings) {

        /** The report: a summary line, then one line a finding. */
        public List<String> lines() {
            String found = findings.size() + (findings.size() == 1 ? " finding" : " findings");
            List<String> lines = new ArrayList<>();
            lines.add("chain      " + entries + " manifest entries, " + objects + " objects, " + found
                    + (headSha256 == null ? "" : ", last entry SHA-256 " + headSha256));
            findings.forEach(finding -> lines.add("  " + finding));
            lines.add(findings.isEmpty() ? "OK: the chain is whole and every object holds what it records"
                    : "TAMPERED: " + found + " in the chain");
            return lines;
        }
    }

    private ManifestChain() {
    }

    public static Result check(String prefix, StoredObjects objects) throws IOException {
        List<ChainFinding> findings = new ArrayList<>();
        TreeMap<Long, String> entryNames = new TreeMap<>();
        for (String name : objects.list(Manifest.folder(prefix))) {
            Map.Entry<Long, String> parsed = Manifest.parseEntryName(prefix, name);
            if (parsed == null) {
                findings.add(new ChainFinding(ChainFinding.Kind.EDITED_ENTRY, name, "not a manifest entry's name"));
            } else if (entryNames.putIfAbsent(parsed.getKey(), name) != null) {
                findings.add(new ChainFinding(ChainFinding.Kind.EDITED_ENTRY, name, "a second entry numbered "
                        + parsed.getKey() + " beside " + entryNames.get(parsed.getKey())));
            }
        }
        Map<String, ManifestEntry> recorded = new LinkedHashMap<>();
        long previousSeq = 0;
        String previousSha256 = null;
        String previousName = null;
        for (Map.Entry<Long, String> named : entryNames.entrySet()) {
            long seq = named.getKey();
            String entryName = named.getValue();
            byte[] bytes;
            try (InputStream in = objects.open(entryName)) {
                bytes = in == null ? null : in.readAllBytes();
            }
            if (bytes == null) {
                continue;
            }
            String sha256 = Sha256.of(bytes);
            if (seq != previousSeq + 1) {
                findings.add(new ChainFinding(ChainFinding.Kind.MISSING_ENTRY, entryName, (seq - 1 > previousSeq + 1
                        ? "manifest entries " + (previousSeq + 1) + " to " + (seq - 1) + " are missing, "
                        : "manifest entry " + (previousSeq + 1) + " is missing, ")
                        + (previousName == null ? "before this first one" : "between " + previousName + " and this one")));
            }
            try {
                ManifestEntry entry = ManifestEntry.parse(bytes);
                String dataName = Manifest.parseEntryName(prefix, entryName).getValue();
                if (entry.seq() != seq || !entry.name().equals(dataName)) {
                    findings.add(new ChainFinding(ChainFinding.Kind.EDITED_ENTRY, entryName, "records entry " + entry.seq()
                            + " of " + entry.name() + ": renamed or replaced"));
                } else if (seq == previousSeq + 1 && !Objects.equals(entry.previous(), previousSha256)) {
                    findings.add(new ChainFinding(ChainFinding.Kind.EDITED_ENTRY, previousName == null ? entryName : previousName,
                            previousName == null ? "the first entry names a previous one (" + entry.previous() + ")"
                                    : "is not the entry " + entryName + " was chained to (its SHA-256 " + previousSha256
                                    + ", recorded " + entry.previous() + "): edited or replaced"));
                }
                recorded.put(entry.name(), entry);
            } catch (IOException e) {
                findings.add(new ChainFinding(ChainFinding.Kind.EDITED_ENTRY, entryName, e.getMessage()));
            }
            previousSeq = seq;
            previousSha256 = sha256;
            previousName = entryName;
        }
        Set<String> stored = new HashSet<>(objects.list(prefix + "-"));
        checkObjects(objects, stored, recorded, findings);
        return new Result(entryNames.size(), stored.size(), previousSha256, findings);
    }

    /** Each recorded object against its bytes, and every object {@code <prefix>-*} against the records. */
    private static void checkObjects(StoredObjects objects, Set<String> stored, Map<String, ManifestEntry> recorded,
                                     List<ChainFinding> findings) throws IOException {
        Map<String, String> recordedFor = new HashMap<>();
        recorded.values().forEach(entry -> recordedFor.putIfAbsent(entry.sha256(), entry.name()));
        for (ManifestEntry entry : recorded.values()) {
            String sha256;
            try (InputStream in = stored.contains(entry.name()) ? objects.open(entry.name()) : null) {
                sha256 = in == null ? null : Sha256.of(in);
            }
            if (sha256 == null) {
                findings.add(new ChainFinding(ChainFinding.Kind.MISSING_OBJECT, entry.name(), "recorded by manifest entry "
                        + entry.seq() + " (" + entry.lines() + " lines, " + entry.first() + " to " + entry.last() + "), not there"));
            } else if (!sha256.equals(entry.sha256())) {
                String other = recordedFor.get(sha256);
                findings.add(other != null
                        ? new ChainFinding(ChainFinding.Kind.MOVED_OBJECT, entry.name(), "holds the bytes the manifest records for " + other)
                        : new ChainFinding(ChainFinding.Kind.EDITED_OBJECT, entry.name(), "SHA-256 " + sha256
                        + ", the manifest records " + entry.sha256() + " (entry " + entry.seq() + "): edited"));
            }
        }
        stored.stream().filter(name -> !recorded.containsKey(name)).sorted().forEach(name -> findings.add(
                new ChainFinding(ChainFinding.Kind.UNRECORDED_OBJECT, name, "no manifest entry records it")));
    }
}
