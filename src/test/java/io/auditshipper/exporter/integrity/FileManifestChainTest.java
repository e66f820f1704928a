package io.auditshipper.exporter.integrity;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ConfigLoader;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.exporter.file.FileLogExporter;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.source.AuditLogTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The file exporter's manifest chain ({@code tamperEvident: true}), written by {@link FileLogExporter} and checked by
 * {@link ManifestChain}: an intact run has no finding; a removed, edited or swapped file, an entry removed from the
 * middle or an entry edited to match an edited file are each reported by name; a replay rewrites the chain byte for byte.
 */
class FileManifestChainTest {

    private static final String PREFIX = "audit";

    @TempDir
    Path dir;

    private FileLogExporter exporter() {
        return exporter("true");
    }

    private FileLogExporter exporter(String tamperEvident) {
        String yaml = "type: io.kestra.plugin.ee.core.log.AuditLogShipper\nlogExporters:\n"
                + "  - id: file\n    type: io.kestra.plugin.ee.core.log.FileLogExporter\n"
                + "    outputDirectory: \"" + dir + "\"\n    logFilePrefix: " + PREFIX + "\n"
                + (tamperEvident == null ? "" : "    tamperEvident: " + tamperEvident + "\n");
        return FileLogExporter.from(new ConfigLoader(n -> null, dir).parse(yaml, "test").exporters().get(0));
    }

    /** Five batches of 100 logs, in shipping order: one file each. */
    private static List<List<AuditLogRecord>> batches() {
        List<AuditLogRecord> records = new DemoAuditLogs(12).rows(500, Instant.parse("2026-11-01T00:00:00Z"),
                        Instant.parse("2026-11-01T01:00:00Z")).stream().map(AuditLogTable.Row::log)
                .sorted(Comparator.comparing(AuditLogRecord::offset, OffsetOrder.CODE_POINT)).toList();
        List<List<AuditLogRecord>> batches = new ArrayList<>();
        for (int from = 0; from < records.size(); from += 100) {
            batches.add(records.subList(from, from + 100));
        }
        return batches;
    }

    /** Ships the batches, the second one last, as the late-arrival re-read ships logs found behind the offset. */
    private List<String> shipWithALateBatch() throws Exception {
        List<List<AuditLogRecord>> batches = batches();
        FileLogExporter exporter = exporter();
        for (int i : new int[]{0, 2, 3, 4, 1}) {
            exporter.ship(batches.get(i));
        }
        return dataFiles();
    }

    private List<String> dataFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private List<Path> entries() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve(Manifest.folder(PREFIX)))) {
            return files.sorted().toList();
        }
    }

    private ManifestChain.Result check() throws Exception {
        return ManifestChain.check(PREFIX, new DirectoryObjects(dir));
    }

    /** Every file under the directory, by relative name, with its bytes. */
    private Map<String, String> snapshot() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(f).toString(), Files.readString(f));
            }
        }
        return files;
    }

    @Test
    void anIntactRunHasOneEntryAFileChainedInWritingOrderAndNoFinding() throws Exception {
        List<String> files = shipWithALateBatch();

        ManifestChain.Result result = check();

        assertThat(result.findings()).isEmpty();
        assertThat(result.entries()).isEqualTo(5);
        assertThat(result.objects()).isEqualTo(5);
        List<Path> entries = entries();
        ManifestEntry last = ManifestEntry.parse(Files.readAllBytes(entries.get(4)));
        // The late batch's file sorts second by name but was written last: the chain follows the writing.
        assertThat(last.name()).isEqualTo(files.get(1));
        assertThat(last.seq()).isEqualTo(5);
        assertThat(last.lines()).isEqualTo(100);
        assertThat(last.first()).isEqualTo(batches().get(1).get(0).offset());
        assertThat(last.last()).isEqualTo(batches().get(1).get(99).offset());
        assertThat(last.sha256()).isEqualTo(Sha256.of(Files.readAllBytes(dir.resolve(files.get(1)))));
        assertThat(last.previous()).isEqualTo(Sha256.of(Files.readAllBytes(entries.get(3))));
        assertThat(ManifestEntry.parse(Files.readAllBytes(entries.get(0))).previous()).isNull();
        assertThat(result.headSha256()).isEqualTo(Sha256.of(Files.readAllBytes(entries.get(4))));
    }

    @Test
    void offByDefaultAndAValueOtherThanTrueOrFalseNamesTheProperty() throws Exception {
        exporter(null).ship(batches().get(0));
        assertThat(dir.resolve(Manifest.folder(PREFIX))).doesNotExist();
        assertThatThrownBy(() -> exporter("sometimes")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("logExporters.file.tamperEvident: 'sometimes' is not true or false");
    }

    @Test
    void aRemovedFileIsReportedByName() throws Exception {
        List<String> files = shipWithALateBatch();
        Files.delete(dir.resolve(files.get(3)));

        assertThat(check().findings()).extracting(ChainFinding::kind, ChainFinding::name)
                .containsExactly(tuple(ChainFinding.Kind.MISSING_OBJECT, files.get(3)));
    }

    @Test
    void anEditedLineIsReportedByName() throws Exception {
        List<String> files = shipWithALateBatch();
        Path file = dir.resolve(files.get(2));
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(40, lines.get(40).replace("\"userId\":\"", "\"userId\":\"x"));
        assertThat(lines.get(40)).isNotEqualTo(Files.readAllLines(file).get(40));
        Files.write(file, lines);

        assertThat(check().findings()).extracting(ChainFinding::kind, ChainFinding::name)
                .containsExactly(tuple(ChainFinding.Kind.EDITED_OBJECT, files.get(2)));
    }

    @Test
    void twoFilesWithSwappedContentsAreBothReportedByName() throws Exception {
        List<String> files = shipWithALateBatch();
        byte[] first = Files.readAllBytes(dir.resolve(files.get(0)));
        Files.write(dir.resolve(files.get(0)), Files.readAllBytes(dir.resolve(files.get(4))));
        Files.write(dir.resolve(files.get(4)), first);

        List<ChainFinding> findings = check().findings();

        assertThat(findings).extracting(ChainFinding::kind, ChainFinding::name).containsExactlyInAnyOrder(
                tuple(ChainFinding.Kind.MOVED_OBJECT, files.get(0)), tuple(ChainFinding.Kind.MOVED_OBJECT, files.get(4)));
        assertThat(findings).anySatisfy(f -> assertThat(f.name() + ": " + f.detail())
                .isEqualTo(files.get(0) + ": holds the bytes the manifest records for " + files.get(4)));
    }

    @Test
    void anEntryRemovedFromTheMiddleIsReportedWithTheFileItRecorded() throws Exception {
        List<String> files = shipWithALateBatch();
        Path third = entries().get(2);
        String recorded = ManifestEntry.parse(Files.readAllBytes(third)).name();
        Files.delete(third);

        List<ChainFinding> findings = check().findings();

        assertThat(findings).extracting(ChainFinding::kind, ChainFinding::name).containsExactlyInAnyOrder(
                tuple(ChainFinding.Kind.MISSING_ENTRY, PREFIX + ".manifest/" + entries().get(2).getFileName()),
                tuple(ChainFinding.Kind.UNRECORDED_OBJECT, recorded));
        assertThat(findings.get(0).detail()).contains("manifest entry 3 is missing, between");
        assertThat(files).contains(recorded);
    }

    @Test
    void anEntryEditedToMatchAnEditedFileBreaksTheLinkToTheNextEntry() throws Exception {
        List<String> files = shipWithALateBatch();
        Path entryFile = entries().get(1);
        ManifestEntry entry = ManifestEntry.parse(Files.readAllBytes(entryFile));
        Path file = dir.resolve(entry.name());
        Files.writeString(file, Files.readString(file).replace("\"userId\":\"", "\"userId\":\"x"));
        Files.write(entryFile, new ManifestEntry(entry.seq(), entry.name(), Sha256.of(Files.readAllBytes(file)), entry.lines(),
                entry.first(), entry.last(), entry.previous()).bytes());

        assertThat(check().findings()).extracting(ChainFinding::kind, ChainFinding::name)
                .containsExactly(tuple(ChainFinding.Kind.EDITED_ENTRY, PREFIX + ".manifest/" + entryFile.getFileName()));
        assertThat(files).contains(entry.name());
    }

    @Test
    void aReplayAfterACrashRewritesTheChainByteForByte() throws Exception {
        List<List<AuditLogRecord>> batches = batches();
        FileLogExporter exporter = exporter();
        exporter.ship(batches.get(0));
        exporter.ship(batches.get(1));
        exporter.ship(batches.get(2));
        Map<String, String> shipped = snapshot();

        // Crash between the write and the offset commit: the batch is shipped again, by the same process...
        exporter.ship(batches.get(2));
        assertThat(snapshot()).isEqualTo(shipped);
        // ... or after a start, by a new one, even when the crash came between the file and its entry.
        Files.delete(entries().get(2));
        exporter().ship(batches.get(2));
        assertThat(snapshot()).isEqualTo(shipped);
        // Two batches written, neither committed: both shipped again after a start.
        FileLogExporter again = exporter();
        again.ship(batches.get(1));
        again.ship(batches.get(2));
        assertThat(snapshot()).isEqualTo(shipped);

        FileLogExporter restarted = exporter();
        restarted.ship(batches.get(3));
        restarted.ship(batches.get(4));
        ManifestChain.Result result = check();
        assertThat(result.findings()).isEmpty();
        assertThat(result.entries()).isEqualTo(5);
    }
}
