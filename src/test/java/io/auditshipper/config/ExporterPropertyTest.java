package io.auditshipper.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExporterPropertyTest {

    enum Mode { PLAIN, GZIP }

    private static ExporterConfig config(Map<String, Object> properties) {
        return new ExporterConfig("dd", ExporterType.DATADOG, 1000, properties);
    }

    @Test
    void aValueIsParsedIntoItsTypeAndAnAbsentOneTakesTheDefault() {
        ExporterConfig config = config(Map.of("timeout", "PT5S", "bulk", "TRUE", "mode", "gzip", "port", "6514",
                "hosts", "https://a.example.com"));

        assertThat(ExporterProperty.duration("timeout").orElse(Duration.ofSeconds(1)).of(config)).isEqualTo(Duration.ofSeconds(5));
        assertThat(ExporterProperty.flag("bulk").orElse(false).of(config)).isTrue();
        assertThat(ExporterProperty.choice("mode", Mode.class, null).orElse(Mode.PLAIN).of(config)).isEqualTo(Mode.GZIP);
        assertThat(ExporterProperty.positive("port", 65_535).orElse(514).of(config)).isEqualTo(6514);
        assertThat(ExporterProperty.list("hosts").of(config)).containsExactly("https://a.example.com");
        assertThat(ExporterProperty.positive("absent", 10).orElse(7).of(config)).isEqualTo(7);
        assertThat(ExporterProperty.text("absent").of(config)).isNull();
    }

    @Test
    void aDefaultFoundWhenNeededIsLookedUpOnlyForAnAbsentValue() {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        ExporterProperty<String> hostname = ExporterProperty.text("hostname").orElseGet(() -> "host-" + lookups.incrementAndGet());

        assertThat(lookups).hasValue(0);
        assertThat(hostname.of(config(Map.of("hostname", "given")))).isEqualTo("given");
        assertThat(lookups).hasValue(0);
        assertThat(hostname.of(config(Map.of()))).isEqualTo("host-1");
    }

    @Test
    void everyRefusalNamesThePathTheValueAndWhatIsExpected() {
        ExporterConfig config = config(Map.of("port", "70000", "timeout", "soon", "mode", "zip", "basePath", "ftp://x",
                "hosts", List.of()));

        assertThatThrownBy(() -> ExporterProperty.positive("port", 65_535).orElse(514).of(config))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.dd.port: '70000' is not a whole number from 1 to 65535, e.g. port: 514");
        assertThatThrownBy(() -> ExporterProperty.duration("timeout").orElse(Duration.ofSeconds(10)).of(config))
                .hasMessage("logExporters.dd.timeout: 'soon' is not a positive ISO-8601 duration, e.g. timeout: PT10S");
        assertThatThrownBy(() -> ExporterProperty.choice("mode", Mode.class, "how bodies are sent").orElse(Mode.PLAIN).of(config))
                .hasMessage("logExporters.dd.mode: 'zip' is not one of PLAIN, GZIP (how bodies are sent), e.g. mode: PLAIN");
        assertThatThrownBy(() -> ExporterProperty.httpUrl("basePath").required("https://intake.example.com").of(config))
                .hasMessage("logExporters.dd.basePath: 'ftp://x' is not an http(s) URL with a host,"
                        + " e.g. basePath: https://intake.example.com");
        assertThatThrownBy(() -> ExporterProperty.list("hosts").where(h -> !h.isEmpty(), "a list of at least one URL").of(config))
                .hasMessage("logExporters.dd.hosts: '[]' is not a list of at least one URL");
        assertThatThrownBy(() -> ExporterProperty.text("apiKey").required("\"{{ secret('KEY') }}\"").of(config))
                .hasMessage("logExporters.dd.apiKey: required by io.kestra.plugin.ee.datadog.LogExporter,"
                        + " e.g. apiKey: \"{{ secret('KEY') }}\"");
    }

    @Test
    void aTextPropertyGivenAMapOrAListIsRefusedAsTheTasksOwnSettingsAre() {
        ExporterConfig config = config(Map.of("ddsource", Map.of("name", "kestra"), "service", List.of("a", "b")));

        assertThatThrownBy(() -> ExporterProperty.text("ddsource").orElse("kestra").of(config))
                .hasMessage("logExporters.dd.ddsource: '{name=kestra}' is not a single value, e.g. ddsource: kestra");
        assertThat(ExporterType.DATADOG.problems(config)).contains(
                "logExporters.dd.service: '[a, b]' is not a single value, e.g. service: kestra");
    }

    @Test
    void aRefusedValueThatCarriesASecretIsPrintedRedacted() {
        SecretRedactor.register("s3cr3t-token-value");
        ExporterConfig config = config(Map.of("basePath", "https://user:pw@/s3cr3t-token-value", "port", "s3cr3t-token-value"));

        assertThatThrownBy(() -> ExporterProperty.httpUrl("basePath").of(config))
                .message().doesNotContain("s3cr3t-token-value").doesNotContain(":pw@");
        assertThatThrownBy(() -> ExporterProperty.positive("port", 10).of(config))
                .message().doesNotContain("s3cr3t-token-value").contains("logExporters.dd.port: '****'");
    }

    @Test
    void aTypeAcceptsItsDeclaredPathsTheMapsOnTheWayAndKeysBelowAWholeObjectOnly() {
        ExporterProperties properties = ExporterProperties.of(ExporterProperty.text("connection.basicAuth.username"),
                ExporterProperties.of(ExporterProperty.object("options")), ExporterProperty.httpUrl("basePath"));

        assertThat(properties.accepts("connection")).isTrue();
        assertThat(properties.accepts("connection.basicAuth")).isTrue();
        assertThat(properties.accepts("connection.basicAuth.username")).isTrue();
        assertThat(properties.accepts("connection.basicAuth.token")).isFalse();
        assertThat(properties.accepts("options.timeout.read")).isTrue();
        assertThat(properties.accepts("basePath.x")).isFalse();
        assertThat(properties.takesWhole("options")).isTrue();
        assertThat(properties.takesWhole("connection")).isFalse();
        assertThat(ExporterProperty.httpUrl("u").of(config(Map.of("u", "http://h:1/p")))).isEqualTo(URI.create("http://h:1/p"));
    }
}
