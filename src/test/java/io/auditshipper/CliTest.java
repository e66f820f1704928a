package io.auditshipper;

import io.auditshipper.support.SeedFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a user runs it: a separate JVM, its exit code and what it prints. */
class CliTest {

    @TempDir
    Path dir;

    record Run(int exit, String output) {
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("SHIPPER_SECRETS_DIR", dir.resolve("secrets").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void theSeedFlowPassesCheckOnceSecretsAndVariablesAreGivenAndDescribesEveryExporter() throws Exception {
        Path flow = write("flow.yaml", SeedFlow.withRegionVariable());

        Run run = run(SeedFlow.SECRETS, "--check", "--config", flow.toString());

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("configuration OK").contains("exporter file: JSON files")
                .contains("exporter awsCloudWatch: CloudWatch Logs group kestra stream production")
                .contains("exporter azureMonitor: Azure Monitor Logs Ingestion https://endpoint-host.ingest.monitor.azure.com")
                .contains("exporter S3LogExporter: JSON objects s3://logbucket/kestra-log-file-*")
                .contains("exporter gcs: JSON objects gs://my-bucket/kestra-log-file-*")
                .contains("exporter azureBlobStorage: JSON objects https://myblob.blob.core.windows.net/logs/kestra-log-file-*")
                .contains("exporter elasticsearch: Elasticsearch [https://elastic.example.com:9200] index kestra-logs")
                .contains("exporter opensearch: OpenSearch [https://elastic.example.com:9200] index kestra-logs")
                .doesNotContain("not implemented");
        for (String secret : SeedFlow.SECRETS.values()) {
            assertThat(run.output()).doesNotContain(secret);
        }
    }

    @Test
    void theSeedFlowWithTheSplunkGraylogAndSyslogExportersPassesCheckAndDescribesThem() throws Exception {
        String siem = """
                    logExporters:
                      - id: splunk
                        type: io.kestra.plugin.ee.splunk.LogExporter
                        host: https://splunk.example.com:8088
                        token: "{{ secret('SPLUNK_HEC_TOKEN') }}"
                        index: kestra_audit
                        indexerAcknowledgement: true
                      - id: graylog
                        type: io.kestra.plugin.ee.graylog.LogExporter
                        endpoint: http://graylog.example.com:12201
                        graylogHost: kestra-prod
                        chunk: 500
                      - id: syslog
                        type: io.kestra.plugin.ee.syslog.LogExporter
                        host: siem.example.com
                        protocol: TLS
                        skipCertVerification: true
                        connectionTimeout: PT5S
                """;
        Path flow = write("flow.yaml", SeedFlow.withRegionVariable().replace("    logExporters:\n", siem));
        Map<String, String> secrets = new java.util.HashMap<>(SeedFlow.SECRETS);
        secrets.put("SPLUNK_HEC_TOKEN", "splunk-token-987");

        Run run = run(secrets, "--check", "--config", flow.toString());

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("configuration OK")
                .contains("exporter splunk: Splunk HEC https://splunk.example.com:8088/services/collector with indexer acknowledgement")
                .contains("exporter graylog: Graylog GELF HTTP input http://graylog.example.com:12201/gelf")
                .contains("exporter syslog: syslog TLS siem.example.com:6514")
                .doesNotContain("splunk-token-987");
        Run bad = run(secrets, "--check", "--config", write("bad.yaml", SeedFlow.withRegionVariable().replace("    logExporters:\n",
                siem.replace("protocol: TLS", "protocol: SCTP").replace("indexerAcknowledgement: true", "indexerAcknowledgement: sometimes"))).toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.output()).contains("logExporters.syslog.protocol: 'SCTP' is not one of UDP, TCP, TLS, e.g. protocol: UDP")
                .contains("logExporters.splunk.indexerAcknowledgement: 'sometimes' is not true or false");
    }

    @Test
    void theSeedFlowWithoutSecretsExitsNonZeroNamingThem() throws Exception {
        Path flow = write("flow.yaml", SeedFlow.yaml());

        Run run = run(Map.of(), "--check", "--config", flow.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("configuration errors").contains("secret 'DATADOG_API_KEY' is not set")
                .contains("vars.region");
    }

    @Test
    void checkRefusesAnUnknownAuditActionAndAnUnknownApiVersionNamingTheProperties() throws Exception {
        Path task = write("task.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                types: [CREATE, DELETED]
                excludeTypes: [READ, LOGGED_IN]
                source:
                  type: kestra
                  url: http://localhost:8080
                  apiVersion: V3
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                """);

        Run run = run(Map.of(), "--check", "--config", task.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("types: unknown audit action 'DELETED'")
                .contains("excludeTypes: unknown audit action 'LOGGED_IN'")
                .contains("source.apiVersion: 'V3' is not one of AUTO, V1, V2 (the Kestra API generation")
                .doesNotContain("configuration OK");
    }

    @Test
    void checkListsEveryBadSettingAndEveryBadExporterPropertyInOneFailure() throws Exception {
        Path task = write("task.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                chunk: none
                logExporters:
                  - id: splunk
                    type: io.kestra.plugin.ee.splunk.LogExporter
                    token: "{{ secret('SPLUNK_HEC_TOKEN') }}"
                    indexerAcknowledgement: sometimes
                    ackTimeout: 2 minutes
                  - id: syslog
                    type: io.kestra.plugin.ee.syslog.LogExporter
                    host: siem.example.com
                    port: 70000
                """);

        Run run = run(Map.of("SPLUNK_HEC_TOKEN", "splunk-token-987"), "--check", "--config", task.toString());

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output().lines().filter(line -> line.startsWith("  ")).map(String::strip)).containsExactlyInAnyOrder(
                "chunk: 'none' is not a whole number above 0, e.g. chunk: 5000",
                "logExporters.splunk.host: required by io.kestra.plugin.ee.splunk.LogExporter, e.g. host: https://splunk.example.com:8088",
                "logExporters.splunk.indexerAcknowledgement: 'sometimes' is not true or false, e.g. indexerAcknowledgement: false",
                "logExporters.splunk.ackTimeout: '2 minutes' is not a positive ISO-8601 duration, e.g. ackTimeout: PT2M",
                "logExporters.syslog.port: '70000' is not a whole number from 1 to 65535");
        assertThat(run.output()).startsWith("configuration errors:").doesNotContain("splunk-token-987");
    }

    @Test
    void aBadConfigStopsBeforeAnythingRuns() throws Exception {
        Path task = write("task.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                lookbackPeriod: yesterday
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                """);

        Run run = run(Map.of(), "--once", "--config", task.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("lookbackPeriod: 'yesterday' is not an ISO-8601 duration");
        assertThat(dir.resolve("data")).doesNotExist();
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void anExporterMissingARequiredPropertyIsRefusedUpFrontNamingItWithoutItsSecrets() throws Exception {
        Path task = write("task.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                logExporters:
                  - id: s3
                    type: io.kestra.plugin.ee.aws.s3.LogExporter
                    region: eu-west-1
                    accessKeyId: AKIAEXAMPLE
                    secretKeyId: "{{ secret('AWS_SECRET_KEY_ID') }}"
                """);

        Run run = run(Map.of("AWS_SECRET_KEY_ID", "aws-secret-in-env"), "--once", "--config", task.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("logExporters.s3.bucket: required by io.kestra.plugin.ee.aws.s3.LogExporter, e.g. bucket: logbucket")
                .doesNotContain("aws-secret-in-env");
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void secretsInsideUrlsAreMaskedInCheckTheBannerAndErrorsAndABadUrlIsRefusedUpFront() throws Exception {
        String exporters = """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                backoff:
                  maxRetries: 0
                logExporters:
                  - id: datadog
                    type: io.kestra.plugin.ee.datadog.LogExporter
                    basePath: "http://127.0.0.1:9/proxy/{{ secret('PATH_TOKEN') }}/x?token=literal-query-secret&site=eu"
                    apiKey: "{{ secret('DD_KEY') }}"
                  - id: otel
                    type: io.kestra.plugin.ee.opentelemetry.LogExporter
                    otlpEndpoint: "http://collector-user:{{ secret('OTLP_PASSWORD') }}@127.0.0.1:9/v1/logs"
                """;
        Path task = write("task.yaml", exporters);
        Map<String, String> secrets = Map.of("PATH_TOKEN", "path-token-value", "DD_KEY", "dd-key-value",
                "OTLP_PASSWORD", "otlp-password-value");

        Run check = run(secrets, "--check", "--config", task.toString());
        Run once = run(secrets, "--once", "--demo", "10", "--config", task.toString());
        Path badTask = write("bad.yaml", exporters.replace("http://collector-user:", "collector-user:"));
        Run bad = run(secrets, "--check", "--config", badTask.toString());

        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("http://127.0.0.1:9/proxy/****/x/api/v2/logs?token=****&site=****")
                .contains("http://collector-user:****@127.0.0.1:9/v1/logs");
        assertThat(once.exit()).as(once.output()).isEqualTo(1);
        assertThat(once.output()).contains("exporter datadog:").contains("FAILED");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.output()).contains("logExporters.otel.otlpEndpoint: 'collector-user:****@127.0.0.1:9/v1/logs'"
                + " is not an http(s) URL").doesNotContain("configuration OK");
        for (Run run : List.of(check, once, bad)) {
            assertThat(run.output()).doesNotContain("literal-query-secret").doesNotContain("path-token-value")
                    .doesNotContain("dd-key-value").doesNotContain("otlp-password-value");
        }
    }

    @Test
    void theConfigCanComeFromShipperConfigForAStartWithoutArguments() throws Exception {
        Path task = write("from-env.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                offsetKey: fromEnvironment
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                """);

        Run found = run(Map.of("SHIPPER_CONFIG", task.toString()), "--check");
        Run missing = run(Map.of("SHIPPER_CONFIG", dir.resolve("absent.yaml").toString()), "--check");

        assertThat(found.exit()).as(found.output()).isZero();
        assertThat(found.output()).contains("configuration OK: offsetKey fromEnvironment");
        assertThat(missing.exit()).as(missing.output()).isEqualTo(2);
        assertThat(missing.output()).contains("cannot read " + dir.resolve("absent.yaml"));
    }

    @Test
    void aUserRouteThatCannotLoadStopsCheckAndStartWithExit2NamingTheFileAndLine() throws Exception {
        Map<String, String> routes = Map.of(
                "syntax", """
                        - route:
                            from:
                              uri: direct:my-filter
                               steps:
                                - to: log:x
                        """,
                "unknown", """
                        - route:
                            id: my-filter
                            from:
                              uri: direct:my-filter
                              steps:
                                - to:
                                    uri: nosuchcomponent:thing
                        """,
                "clash", """
                        - route:
                            id: pass
                            from:
                              uri: direct:my-pass
                              steps:
                                - to: log:x
                        """);
        Map<String, String> expected = Map.of(
                "syntax", "syntax/bad.yaml: Error pre-parsing resource",
                "unknown", "unknown/bad.yaml:6: route 'my-filter': no Camel component 'nosuchcomponent' in this jar",
                "clash", "clash/bad.yaml:1: route id 'pass' is already one of the shipper's");
        for (Map.Entry<String, String> route : routes.entrySet()) {
            Files.createDirectories(dir.resolve(route.getKey()));
            write(route.getKey() + "/bad.yaml", route.getValue());
            Run check = run(Map.of(), "--check", "--routes", route.getKey());
            assertThat(check.exit()).as(check.output()).isEqualTo(2);
            assertThat(check.output()).contains(expected.get(route.getKey())).doesNotContain("configuration OK");
        }
        assertThat(run(Map.of(), "--check", "--routes", "syntax").output()).contains("line 4, column 13");

        Run start = run(Map.of("SHIPPER_ROUTES", "clash"), "--once");
        assertThat(start.exit()).as(start.output()).isEqualTo(2);
        assertThat(start.output()).contains(expected.get("clash")).doesNotContain("pass started");
        Run missing = run(Map.of(), "--check", "--routes", "absent");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.output()).contains("--routes: absent is not a directory");
    }

    @Test
    void outsideWindowIsCheckedUpFrontNamingThePropertyAndTheAllowedValues() throws Exception {
        String exporters = """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                logExporters:
                  - id: datadog
                    type: io.kestra.plugin.ee.datadog.LogExporter
                    basePath: http://127.0.0.1:9
                    apiKey: dd-key
                    outsideWindow: REWRITE_TIMESTAMP
                  - id: cloudwatch
                    type: io.kestra.plugin.ee.aws.cloudwatch.LogExporter
                    region: us-east-1
                    logGroupName: kestra
                    logStreamName: production
                    accessKeyId: AKIAEXAMPLE
                    secretKeyId: secret
                    outsideWindow: DEAD_LETTER
                """;
        Run good = run(Map.of(), "--check", "--config", write("good.yaml", exporters).toString());
        Run bad = run(Map.of(), "--check", "--config", write("bad.yaml", exporters
                .replace("REWRITE_TIMESTAMP", "rewrite").replace("DEAD_LETTER", "DROP")).toString());

        assertThat(good.exit()).as(good.output()).isZero();
        assertThat(bad.exit()).as(bad.output()).isEqualTo(2);
        assertThat(bad.output()).contains("logExporters.datadog.outsideWindow: 'rewrite' is not one of DEAD_LETTER, REWRITE_TIMESTAMP")
                .contains("logExporters.cloudwatch.outsideWindow: 'DROP' is not one of DEAD_LETTER, REWRITE_TIMESTAMP")
                .doesNotContain("configuration OK");
    }

    @Test
    void schemaIsCheckedUpFrontNamingThePropertyAndTheAllowedValues() throws Exception {
        String exporters = """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                    schema: OCSF
                  - id: datadog
                    type: io.kestra.plugin.ee.datadog.LogExporter
                    basePath: http://127.0.0.1:9
                    apiKey: dd-key
                    schema: ECS
                  - id: syslog
                    type: io.kestra.plugin.ee.syslog.LogExporter
                    host: 127.0.0.1
                    schema: KESTRA
                """;
        Run good = run(Map.of(), "--check", "--config", write("good.yaml", exporters).toString());
        Run bad = run(Map.of(), "--check", "--config", write("bad.yaml", exporters.replace("schema: OCSF", "schema: CEF")
                .replace("schema: KESTRA", "schema: OCSF")).toString());

        assertThat(good.exit()).as(good.output()).isZero();
        assertThat(good.output()).contains("schema OCSF").contains("schema ECS");
        assertThat(bad.exit()).as(bad.output()).isEqualTo(2);
        assertThat(bad.output()).contains("logExporters.file.schema: 'CEF' is not one of KESTRA, OCSF, ECS")
                .contains("logExporters.syslog.schema: 'OCSF' is not for the Syslog exporter")
                .doesNotContain("configuration OK");
    }

    @Test
    void unknownArgumentsPrintUsage() throws Exception {
        Run run = run(Map.of(), "--onse");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("unknown argument '--onse'").contains("usage:");
    }

    @Test
    void theDemoShipsOnceAndTheSecondOnceShipsNothing() throws Exception {
        Run first = run(Map.of(), "--demo", "2500", "--once");
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("shipped     2500");
        assertThat(shippedLines()).isEqualTo(2500);

        Run second = run(Map.of(), "--once");
        assertThat(second.exit()).isZero();
        assertThat(second.output()).contains("read 0 logs").contains("shipped        0");
    }

    @Test
    void verifyReportsAnIntactRunThenADeletedAndADuplicatedLine() throws Exception {
        assertThat(run(Map.of(), "--demo", "500", "--once").exit()).isZero();

        Run intact = run(Map.of(), "--verify");
        assertThat(intact.exit()).as(intact.output()).isZero();
        assertThat(intact.output()).contains("expected   500").contains("found      500").contains("missing    0")
                .contains("duplicated 0").contains("extra      0");

        Path file;
        try (var files = Files.list(dir.resolve("out"))) {
            file = files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).sorted().findFirst().orElseThrow();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        String removed = lines.remove(lines.size() - 1);
        String removedId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(removed).path("id").asText();
        Files.write(file, lines);
        Run deleted = run(Map.of(), "--verify", "file");
        assertThat(deleted.exit()).as(deleted.output()).isEqualTo(1);
        assertThat(deleted.output()).contains("found      499").contains("missing    1: " + removedId);

        lines.add(removed);
        lines.add(lines.get(0));
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var stranger = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(lines.get(0));
        lines.add(stranger.put("id", "0notFromTheSource").toString());
        Files.write(file, lines);
        Run duplicated = run(Map.of(), "--verify");
        assertThat(duplicated.exit()).as(duplicated.output()).isZero();
        assertThat(duplicated.output()).contains("found      500").contains("duplicated 1: ")
                .contains("missing    0").contains("extra      1: 0notFromTheSource");
    }

    @Test
    void verifyChecksTheManifestChainAndNamesAFileEditedWithItsIdsIntact() throws Exception {
        write("shipper.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                chunk: 100
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                    outputDirectory: out
                    tamperEvident: true
                """);
        assertThat(run(Map.of(), "--demo", "500", "--once").exit()).isZero();

        Run intact = run(Map.of(), "--verify");
        assertThat(intact.exit()).as(intact.output()).isZero();
        assertThat(intact.output()).contains("missing    0").contains("chain      5 manifest entries, 5 objects, 0 findings")
                .contains("OK: the chain is whole");

        Path file;
        try (var files = Files.list(dir.resolve("out"))) {
            file = files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).sorted().skip(1).findFirst().orElseThrow();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        var log = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(3));
        lines.set(3, log.put("userId", "someone-else").toString());
        Files.write(file, lines);
        Run edited = run(Map.of(), "--verify", "file");
        assertThat(edited.exit()).as(edited.output()).isEqualTo(1);
        assertThat(edited.output()).contains("missing    0").contains("1 finding,")
                .contains("EDITED_OBJECT " + file.getFileName() + ": SHA-256 ").contains("TAMPERED: 1 finding in the chain");
    }

    @Test
    void verifyRefusesAnUnknownExporterAndABadTimestampBeforeRunning() throws Exception {
        Run unknown = run(Map.of(), "--verify", "nope");
        assertThat(unknown.exit()).as(unknown.output()).isEqualTo(2);
        assertThat(unknown.output()).contains("no exporter 'nope'");
        Run badTime = run(Map.of(), "--verify", "--from", "yesterday");
        assertThat(badTime.exit()).as(badTime.output()).isEqualTo(2);
        assertThat(badTime.output()).contains("'yesterday' is not an ISO-8601 instant");
    }

    private long shippedLines() throws IOException {
        try (var files = Files.list(dir.resolve("out"))) {
            return files.mapToLong(f -> {
                try {
                    return Files.readAllLines(f).size();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }

    @Test
    void offsetsArePrintedAndSetUnderTheLockAndAnUnreadableValueIsReplacedOnlyWhole() throws Exception {
        write("shipper.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                    outputDirectory: out
                  - id: second
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                    outputDirectory: out2
                """);
        assertThat(run(Map.of(), "--demo", "300", "--once").exit()).isZero();
        Path state = dir.resolve("state/auditLogShipperOffset.json");
        String shipped = Files.readString(state);

        Run offsets = run(Map.of(), "--offsets");
        assertThat(offsets.exit()).as(offsets.output()).isZero();
        assertThat(offsets.output()).contains("offsets in file ./state/auditLogShipperOffset.json")
                .containsPattern("file +20\\d\\d-.*  lag ");

        Files.writeString(state, "");
        Run refused = run(Map.of(), "--once");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.output()).contains("is not what this shipper writes (the value is empty)").contains("--set-offset");
        Run partly = run(Map.of(), "--set-offset", "file=2020-01-01T00:00:00Z/x");
        assertThat(partly.exit()).as("'second' would restart at the lookback").isEqualTo(1);
        assertThat(partly.output()).contains("give every exporter an offset (--set-offset all=TIMESTAMP[/ID])");
        Files.writeString(state, "{\"foo\":[1]}");
        Run unknown = run(Map.of(), "--set-offset", "nope=2020-01-01T00:00:00Z", "--set-offset", "file=tomorrow",
                "--set-offset", "file=2099-01-01T00:00:00Z");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.output()).contains("no exporter 'nope'").contains("'tomorrow' is not an ISO-8601 instant")
                .contains("later than now");
        assertThat(Files.readString(state)).isEqualTo("{\"foo\":[1]}");

        Run replay = run(Map.of(), "--set-offset", "all=2020-01-01T00:00:00Z");
        assertThat(replay.exit()).as(replay.output()).isZero();
        assertThat(replay.output()).contains("set file: none -> 2020-01-01T00:00:00Z")
                .contains("set second: none -> 2020-01-01T00:00:00Z");
        Run again = run(Map.of(), "--once");
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).containsPattern("file +shipped +300").containsPattern("second +shipped +300");
        assertThat(shippedLines()).as("the replay rewrote the same files").isEqualTo(300);
        assertThat(Files.readString(state)).isEqualTo(shipped);
    }

    @Test
    void onScheduleItKeepsShippingNewLogsAndStopsCleanlyOnSigterm() throws Exception {
        Path task = write("shipper.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                schedule: "*/2 * * * * ?"
                settleDelay: PT1S
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                """);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--demo", "300");
        int managementPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("shipper.log").toFile());
        builder.environment().put("SHIPPER_MANAGEMENT_PORT", Integer.toString(managementPort));
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("shipper.log")).contains("shipped      300")
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(Files.readString(dir.resolve("shipper.log"))).contains("shipped      300");

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("passes");
            // the paths of the probes in k8s/
            for (String probe : List.of("live", "ready")) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                        + "/observe/health/" + probe)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(probe + ": " + answer.body()).isEqualTo(200);
            }
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("kestra_shipper_logs_shipped_total{exporter=\"file\"} 300.0")
                    .contains("kestra_shipper_lag_seconds{exporter=\"file\"}")
                    .contains("kestra_shipper_last_success_timestamp_seconds{exporter=\"file\"}")
                    .contains("kestra_shipper_export_failures_total{exporter=\"file\"} 0.0")
                    .contains("kestra_shipper_passes_total{outcome=\"succeeded\"}");
        } finally {
            process.destroy();
        }
        assertThat(process.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("a clean stop on SIGTERM").isZero();
        String log = Files.readString(dir.resolve("shipper.log"));
        assertThat(log).contains("with shipper.yaml").contains("shipping on schedule '*/2 * * * * ?'");
        assertThat(Files.readString(dir.resolve("state/auditLogShipperOffset.json"))).contains("\"file\"");
        assertThat(task).exists();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void anUnreachableSourceIsOneClearErrorAndAFailedExit() throws Exception {
        Path task = write("task.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                source:
                  type: jdbc
                  url: jdbc:postgresql://127.0.0.1:1/kestra
                  username: kestra
                  password: "{{ secret('PG_PASSWORD') }}"
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                """);

        Run run = run(Map.of("PG_PASSWORD", "pg-secret-value"), "--once", "--config", task.toString());

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("pass failed: reading jdbc jdbc:postgresql://127.0.0.1:1/kestra")
                .contains("offsets stay at the last batch every exporter acknowledged")
                .doesNotContain("pg-secret-value").doesNotContain("\tat org.apache.camel");
    }

    @Test
    void onScheduleAnUnreachableSourceTurnsReadinessDownWithTheReasonAndNoSecret() throws Exception {
        write("shipper.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                schedule: "*/1 * * * * ?"
                source:
                  type: jdbc
                  url: jdbc:postgresql://127.0.0.1:1/kestra
                  username: kestra
                  password: "{{ secret('PG_PASSWORD') }}"
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                """);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        int managementPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("shipper.log").toFile());
        builder.environment().put("SHIPPER_MANAGEMENT_PORT", Integer.toString(managementPort));
        builder.environment().put("PG_PASSWORD", "pg-secret-value");
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("shipper.log")).contains("pass failed") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + managementPort + "/observe/health?exposureLevel=full")).build(),
                    HttpResponse.BodyHandlers.ofString());

            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + managementPort + "/observe/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + managementPort + "/observe/health/live")).build(), HttpResponse.BodyHandlers.ofString());

            // Kubernetes stops counting the pod ready but does not restart it: a restart would not bring the source back.
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            assertThat(health.body()).contains("\"passes\",\"status\":\"DOWN\"").contains("the last pass failed: reading jdbc").contains("Connection to 127.0.0.1:1 refused")
                    .doesNotContain("pg-secret-value");
        } finally {
            process.destroy();
            process.waitFor(40, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(dir.resolve("shipper.log"))).doesNotContain("pg-secret-value");
    }

    @Test
    void aSecondShipperOnTheSameOffsetsRefusesToRun() throws Exception {
        write("shipper.yaml", """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                schedule: "0 0 * * *"
                logExporters:
                  - id: file
                    type: io.kestra.plugin.ee.core.log.FileLogExporter
                """);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("first.log").toFile());
        builder.environment().put("SHIPPER_MANAGEMENT_PORT", Integer.toString(freePort()));
        Process first = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("first.log")).contains("shipping on schedule") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Run second = run(Map.of(), "--once");

            assertThat(second.exit()).as(second.output()).isEqualTo(1);
            assertThat(second.output()).contains("another shipper holds").contains("auditLogShipperOffset.lock");
        } finally {
            first.destroy();
            first.waitFor(40, TimeUnit.SECONDS);
        }
    }
}
