package io.auditshipper.exporter;

import com.amazon.ion.IonDatagram;
import com.amazon.ion.IonStruct;
import com.amazon.ion.IonSystem;
import com.amazon.ion.system.IonSystemBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileLogExporterTest {

    @TempDir
    Path dir;

    private FileLogExporter exporter(String properties) {
        String yaml = "type: io.kestra.plugin.ee.core.log.AuditLogShipper\nlogExporters:\n"
                + "  - id: file\n    type: io.kestra.plugin.ee.core.log.FileLogExporter\n"
                + "    outputDirectory: \"" + dir + "\"\n" + properties;
        return FileLogExporter.from(new ConfigLoader(n -> null, dir).parse(yaml, "test").exporters().get(0));
    }

    private static List<AuditLogRecord> records(int count) {
        return new DemoAuditLogs(11).rows(count, Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-01T01:00:00Z"))
                .stream().map(AuditLogTable.Row::log).sorted(Comparator.comparing(AuditLogRecord::offset, OffsetOrder.CODE_POINT)).toList();
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void ionFilesHoldTheSameAuditLogsAsTheJson() throws Exception {
        List<AuditLogRecord> records = records(250);

        exporter("    format: ION\n    logFilePrefix: audit\n    maxLinesPerFile: 100\n").ship(records);

        List<Path> files = files();
        assertThat(files).hasSize(3).allSatisfy(f -> assertThat(f.getFileName().toString()).startsWith("audit-").endsWith(".ion"));
        IonSystem ion = IonSystemBuilder.standard().build();
        ObjectMapper json = new ObjectMapper();
        int i = 0;
        for (Path file : files) {
            IonDatagram values = ion.getLoader().load(Files.readString(file));
            for (var value : values) {
                IonStruct log = (IonStruct) value;
                var expected = json.readTree(records.get(i++).json());
                assertThat(log.get("id").toString()).isEqualTo("\"" + expected.get("id").asText() + "\"");
                assertThat(((IonStruct) log.get("detail")).get("namespace").toString())
                        .isEqualTo("\"" + expected.path("detail").path("namespace").asText() + "\"");
            }
        }
        assertThat(i).isEqualTo(250);
    }

    @Test
    void shippingTheSameRecordsAgainOverwritesTheSameFiles() throws Exception {
        List<AuditLogRecord> records = records(120);
        FileLogExporter exporter = exporter("    maxLinesPerFile: 50\n");

        exporter.ship(records);
        List<Path> first = files();
        exporter.ship(records);

        assertThat(files()).isEqualTo(first).hasSize(3);
        long lines = 0;
        for (Path f : files()) {
            lines += Files.readAllLines(f).size();
        }
        assertThat(lines).isEqualTo(120);
    }

    @Test
    void aBadFormatOrLineCountNamesTheProperty() {
        assertThatThrownBy(() -> exporter("    format: CSV\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("logExporters.file.format: 'CSV'").hasMessageContaining("one of JSON, ION");
        assertThatThrownBy(() -> exporter("    maxLinesPerFile: lots\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("maxLinesPerFile");
    }

    @Test
    void aPrefixThatWouldLeaveTheOutputDirectoryIsRefusedNamingTheProperty() throws Exception {
        for (String prefix : List.of("../evil", "../../x", "/etc/kestra", "a/../../b", "a//b", ".", "a\\..\\b")) {
            assertThatThrownBy(() -> exporter("    logFilePrefix: \"" + prefix.replace("\\", "\\\\") + "\"\n")).as(prefix)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("logExporters.file.logFilePrefix: '" + prefix + "' is not a name that stays inside the output directory or bucket");
        }
        exporter("    logFilePrefix: audit/kestra\n").ship(records(3));
        try (Stream<Path> files = Files.list(dir.resolve("audit"))) {
            assertThat(files).singleElement().satisfies(f -> assertThat(f.getFileName().toString()).startsWith("kestra-"));
        }
    }

    @Test
    void idsWithPathCharactersNameFilesInsideTheDirectoryEachItsOwn() throws Exception {
        Instant at = Instant.parse("2026-11-01T00:00:00Z");
        List<String> ids = List.of("../../escaped", "a/b", "a%2Fb", "..", "nul\u0000byte", "\uD83D\uDE00");
        FileLogExporter exporter = exporter("    maxLinesPerFile: 1\n");
        for (int i = 0; i < ids.size(); i++) {
            exporter.ship(List.of(new AuditLogRecord(ids.get(i), at, "{\"id\":" + new ObjectMapper().writeValueAsString(ids.get(i)) + "}")));
        }

        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(f -> !f.equals(dir))).hasSize(ids.size()).allSatisfy(f -> assertThat(f.getParent()).isEqualTo(dir));
        }
        assertThat(dir.resolveSibling("escaped")).doesNotExist();
        List<String> shipped = new ArrayList<>();
        for (Path file : files()) {
            shipped.add(new ObjectMapper().readTree(Files.readString(file)).get("id").asText());
        }
        assertThat(shipped).containsExactlyInAnyOrderElementsOf(ids);
    }
}
