package io.auditshipper.exporter.encoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.demo.DemoAuditLogs;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.pipeline.Pass;
import io.auditshipper.source.AuditLogTable;
import io.auditshipper.support.ShipperFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code schema} through the whole pipeline: three file exporters on one pass, the default one shipping the stored
 * JSON unchanged, one {@code schema: OCSF} and one {@code schema: ECS}, each holding the same logs in the same order
 * (file names too: they come from the audit id and date, which the schema keeps).
 */
class SchemaPipelineTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyExporterShipsTheSameLogsInItsOwnSchemaAndTheDefaultIsTheStoredJson() throws Exception {
        List<AuditLogTable.Row> rows = new DemoAuditLogs(5).rows(1_234, NOW.minus(Duration.ofHours(2)), NOW.minus(Duration.ofHours(1)));
        ShipperFixture f = new ShipperFixture("h2", dir, NOW);
        f.insert(rows);
        String exporters = f.fileExporterYaml("ocsf") + "    schema: OCSF\n    maxLinesPerFile: 500\n"
                + f.fileExporterYaml("ecs") + "    schema: ECS\n    maxLinesPerFile: 500\n";

        Pass pass = f.runOnce(f.config(f.taskWith(exporters).replace("chunk: 1000\n", "chunk: 1000\nlookbackPeriod: P30D\n")));

        assertThat(pass.allSucceeded()).as(String.valueOf(pass.failures())).isTrue();
        List<AuditLogRecord> expected = ShipperFixture.inShippingOrder(rows);
        List<String> kestra = lines(f, "file");
        List<String> ocsf = lines(f, "ocsf");
        List<String> ecs = lines(f, "ecs");
        assertThat(kestra).containsExactlyElementsOf(expected.stream().map(AuditLogRecord::json).toList());
        assertThat(ocsf).hasSize(expected.size());
        assertThat(ecs).hasSize(expected.size());
        OcsfSchemaTest.load();
        for (int i = 0; i < expected.size(); i++) {
            JsonNode o = JSON.readTree(ocsf.get(i));
            assertThat(o.path("metadata").path("uid").asText()).isEqualTo(expected.get(i).id());
            assertThat(OcsfSchemaTest.validate(o)).as(ocsf.get(i)).isEmpty();
            JsonNode e = JSON.readTree(ecs.get(i));
            assertThat(e.path("event").path("id").asText()).isEqualTo(expected.get(i).id());
            assertThat(e.path("kestra").path("audit")).isEqualTo(JSON.readTree(expected.get(i).json()));
        }
    }

    private static List<String> lines(ShipperFixture f, String exporter) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(f.outputDirectory(exporter)))) {
            for (Path file : files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines;
    }
}
