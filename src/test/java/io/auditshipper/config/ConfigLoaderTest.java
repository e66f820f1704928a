package io.auditshipper.config;

import io.auditshipper.support.SeedFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(env::get, dir.resolve("secrets"));
    }

    private static final String TASK = """
            type: io.kestra.plugin.ee.core.log.AuditLogShipper
            logExporters:
              - id: file
                type: io.kestra.plugin.ee.core.log.FileLogExporter
            """;

    private List<String> problems(String yaml) {
        try {
            loader(Map.of()).parse(yaml, "test");
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a configuration error for:\n" + yaml);
    }

    @Test
    void theSeedFlowParsesOnceItsSecretsAndTheRegionVariableAreGiven() throws IOException {
        String flow = SeedFlow.withRegionVariable();

        ShipperConfig config = loader(SeedFlow.SECRETS).parse(flow, "seed");

        assertThat(config.flowNamespace()).isEqualTo("system");
        assertThat(config.resources()).containsExactly("FLOW", "EXECUTION");
        assertThat(config.lookbackPeriod()).isEqualTo(Duration.ofDays(1));
        assertThat(config.offsetKey()).isEqualTo("auditLogShipperOffset");
        assertThat(config.exporters()).extracting(ExporterConfig::id).containsExactly("file", "awsCloudWatch",
                "S3LogExporter", "googleOperationalSuite", "gcs", "azureMonitor", "azureBlobStorage", "datadog",
                "elasticsearch", "opensearch", "newRelic", "openTelemetry");
        ExporterConfig s3 = config.exporters().get(2);
        assertThat(s3.type()).isEqualTo(ExporterType.AWS_S3);
        assertThat(s3.properties().get("region")).isEqualTo("eu-west-1");
        assertThat(s3.properties().get("accessKeyId")).isEqualTo("AKIAEXAMPLEKEY");
        ExporterConfig es = config.exporters().get(8);
        assertThat(es.properties()).containsEntry("connection.basicAuth.password", "es-password-000")
                .containsEntry("connection.hosts", List.of("https://elastic.example.com:9200"));
        assertThat(config.exporters().get(11).properties().get("authorizationHeaderValue")).isEqualTo("Bearer otel-token-654");
        // The seed's trigger is disabled: the shipper's own default schedule applies.
        assertThat(config.quartzCron()).isEqualTo("0 * * * * ?");
    }

    @Test
    void theSeedFlowAsItIsNamesEveryMissingSecretAndTheUndefinedVariable() throws IOException {
        List<String> problems;
        try {
            loader(Map.of()).parse(SeedFlow.yaml(), "seed");
            throw new AssertionError("expected errors");
        } catch (ConfigException e) {
            problems = e.problems();
        }
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .contains("tasks[0].logExporters[2].region").contains("vars.region").contains("variables:"));
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .contains("logExporters[1].accessKeyId").contains("secret 'AWS_ACCESS_KEY_ID' is not set"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("secret 'OTEL_TOKEN'"));
    }

    @Test
    void secretsAreReadFromFilesAsKubernetesMountsThem() throws IOException {
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/DATADOG_API_KEY"), "from-a-file\n");

        ShipperConfig config = loader(Map.of()).parse(TASK + """
                  - id: datadog
                    type: io.kestra.plugin.ee.datadog.LogExporter
                    basePath: https://http-intake.logs.datadoghq.eu
                    apiKey: "{{ secret('DATADOG_API_KEY') }}"
                """, "test");

        assertThat(config.exporters().get(1).properties().get("apiKey")).isEqualTo("from-a-file");
        assertThat(SecretRedactor.redact("key=from-a-file")).isEqualTo("key=****");
    }

    @Test
    void aKestraScheduleTriggerSetsTheScheduleInQuartzTerms() {
        String flow = "id: f\nnamespace: company\ntasks:\n  - id: ship\n" + TASK.indent(4).replaceFirst("^    ", "    ")
                + "triggers:\n  - id: every5\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: \"*/5 * * * 1-5\"\n";
        ShipperConfig config = loader(Map.of()).parse(flow, "test");
        assertThat(config.quartzCron()).isEqualTo("0 */5 * ? * 2,3,4,5,6");
        assertThat(config.offsetStore().namespace()).isEqualTo("company");
    }

    @Test
    void aTaskSettingAndAnExporterPropertyOfTheSameKindAreRefusedInTheSameWords() {
        List<String> problems = problems("""
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                verifyBeforeDelete: maybe
                source:
                  requestTimeout: soon
                logExporters:
                  - id: splunk
                    type: io.kestra.plugin.ee.splunk.LogExporter
                    host: https://splunk.example.com:8088
                    token: hec-token
                    indexerAcknowledgement: maybe
                    ackTimeout: soon
                """);

        assertThat(problems).containsExactlyInAnyOrder(
                "verifyBeforeDelete: 'maybe' is not true or false, e.g. verifyBeforeDelete: true",
                "logExporters.splunk.indexerAcknowledgement: 'maybe' is not true or false, e.g. indexerAcknowledgement: false",
                "source.requestTimeout: 'soon' is not a positive ISO-8601 duration, e.g. requestTimeout: PT1M",
                "logExporters.splunk.ackTimeout: 'soon' is not a positive ISO-8601 duration, e.g. ackTimeout: PT2M");
    }

    @Test
    void anExporterWhoseEntryIsAlreadyRefusedIsNotRefusedAgainForWhatFollowsFromIt() {
        // The unset secret reads as blank: the required apiKey is not reported a second time as missing.
        assertThat(problems(TASK + """
                  - id: datadog
                    type: io.kestra.plugin.ee.datadog.LogExporter
                    basePath: https://http-intake.logs.datadoghq.eu
                    apiKey: "{{ secret('DATADOG_API_KEY') }}"
                """)).singleElement().asString().contains("logExporters[1].apiKey: secret 'DATADOG_API_KEY' is not set");
    }

    @Test
    void eachBadPropertyIsNamedWithItsFix() {
        assertThat(problems(TASK + "lookbackPeriod: P1X\n")).singleElement().asString()
                .contains("lookbackPeriod").contains("ISO-8601").contains("P1D");
        assertThat(problems(TASK + "resources: [FLOW, FLOWS]\n")).singleElement().asString()
                .contains("resources").contains("'FLOWS'").contains("EXECUTION");
        assertThat(problems(TASK + "lookback: P1D\n")).singleElement().asString()
                .contains("lookback: unknown property").contains("lookbackPeriod");
        assertThat(problems(TASK + "delete: maybe\n")).singleElement().asString().contains("delete").contains("true or false");
        assertThat(problems(TASK + "chunk: 0\n")).singleElement().asString().contains("chunk").contains("above 0");
        assertThat(problems(TASK + "schedule: every minute\n")).singleElement().asString().contains("schedule").contains("cron");
        assertThat(problems(TASK + "offsetKey: -bad\n")).singleElement().asString().contains("offsetKey");
        assertThat(problems(TASK + "source:\n  type: kestra\n  url: http://localhost:8080\ndelete: true\n"))
                .singleElement().asString().contains("delete").contains("no endpoint to delete");
        assertThat(problems(TASK + "source:\n  type: jdbc\n  url: jdbc:mysql://x\n")).singleElement().asString()
                .contains("source.url").contains("PostgreSQL");
        assertThat(problems(TASK + "source:\n  tabel: x\n")).singleElement().asString().contains("source.tabel: unknown property");
    }

    @Test
    void theKestraSourceTakesAConnectAndARequestTimeout() {
        String kestra = TASK + "source:\n  type: kestra\n  url: http://localhost:8080\n";
        SourceConfig defaults = loader(Map.of()).parse(kestra, "test").source();
        assertThat(defaults.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(defaults.requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
        SourceConfig set = loader(Map.of()).parse(kestra + "  connectTimeout: PT3S\n  requestTimeout: PT2M\n", "test").source();
        assertThat(set.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(set.requestTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(problems(kestra + "  requestTimeout: 60\n")).singleElement().asString()
                .contains("source.requestTimeout").contains("ISO-8601");
        assertThat(problems(kestra + "  connectTimeout: PT0S\n")).singleElement().asString()
                .contains("source.connectTimeout").contains("positive ISO-8601 duration");
    }

    @Test
    void exporterIdsAndTypesAndPropertiesAreChecked() {
        String twoFiles = TASK + "  - id: file\n    type: io.kestra.plugin.ee.core.log.FileLogExporter\n";
        assertThat(problems(twoFiles)).singleElement().asString().contains("logExporters[1].id").contains("duplicate exporter id 'file'");
        assertThat(problems(TASK.replace("id: file", "id: -file"))).singleElement().asString()
                .contains("logExporters[0].id").contains("^[a-zA-Z0-9][a-zA-Z0-9_-]*");
        assertThat(problems(TASK.replace("FileLogExporter", "FileExporter"))).singleElement().asString()
                .contains("logExporters[0].type").contains("unknown exporter type");
        assertThat(problems(TASK + "    maxLines: 10\n")).singleElement().asString()
                .contains("logExporters[0].maxLines: unknown property of io.kestra.plugin.ee.core.log.FileLogExporter");
        assertThat(problems(TASK + """
                  - id: es
                    type: io.kestra.plugin.ee.elasticsearch.LogExporter
                    indexName: logs
                    connection:
                      hosts: [http://localhost:9200]
                      basicAuth: {user: me}
                """)).singleElement().asString().contains("logExporters[1].connection.basicAuth.user: unknown property");
        assertThat(problems("type: io.kestra.plugin.ee.core.log.AuditLogShipper\n")).singleElement().asString()
                .contains("logExporters: at least one exporter");
    }

    @Test
    void problemsAreAllReportedAtOnce() {
        Map<String, String> none = new HashMap<>();
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> loader(none)
                .parse(TASK + "lookbackPeriod: soon\nresources: [NOPE]\n", "test"));
        assertThat(e.problems()).hasSize(2);
    }

    @Test
    void notYamlIsAClearError() {
        assertThatThrownBy(() -> loader(Map.of()).parse("logExporters: [\n", "bad.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.yaml: not valid YAML");
    }

    @Test
    void aKeyGivenTwiceIsRefusedNamingIt() {
        assertThat(problems(TASK + "chunk: 10\nchunk: 20\n")).singleElement().asString()
                .contains("Duplicate field 'chunk'").contains("line");
        assertThat(problems(TASK.replace("  - id: file\n", "  - id: file\n    outputDirectory: a\n    outputDirectory: b\n")))
                .singleElement().asString().contains("Duplicate field 'outputDirectory'");
    }

    @Test
    void aConfigFileThatCannotBeReadSaysWhyInWords() throws IOException {
        Path binary = Files.write(dir.resolve("binary.yaml"), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, 0x00});

        assertThatThrownBy(() -> loader(Map.of()).load(dir.resolve("absent.yaml")))
                .hasMessage("--config: cannot read " + dir.resolve("absent.yaml") + ": no such file or directory");
        assertThatThrownBy(() -> loader(Map.of()).load(binary))
                .hasMessage("--config: cannot read " + binary + ": not UTF-8 text");
        assertThatThrownBy(() -> loader(Map.of()).load(dir))
                .hasMessageStartingWith("--config: cannot read " + dir + ": ").hasMessageContaining("directory");
    }

    @Test
    void aKestraUrlThatIsNotAnHttpUrlIsRefusedNamingTheProperty() {
        String task = TASK + "source:\n  type: kestra\n  url: \"kestra:8080?token=abc\"\n  username: u\n  password: p\n"
                + "offsetStore:\n  type: kestra\n  url: ftp://kv.example.com\n";

        assertThat(problems(task)).containsExactly(
                "source.url: 'kestra:8080?token=abc' is not an http(s) URL with a host, e.g. url: http://localhost:8080",
                "offsetStore.url: 'ftp://kv.example.com' is not an http(s) URL with a host, e.g. url: http://localhost:8080");
    }
}
