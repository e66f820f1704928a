package io.auditshipper.exporter.http;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ConfigLoader;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.exporter.RetryBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kestra's HTTP client {@code options} on an HTTP intake exporter, read at config time as {@code --check} reads them. */
class HttpClientOptionsTest {

    @TempDir
    Path dir;

    private static String datadog(String options) {
        return """
                type: io.kestra.plugin.ee.core.log.AuditLogShipper
                logExporters:
                  - id: datadog
                    type: io.kestra.plugin.ee.datadog.LogExporter
                    basePath: https://http-intake.logs.datadoghq.eu
                    apiKey: dd-api-key
                    options:
                """ + options.indent(6);
    }

    private ExporterConfig parsed(String options) {
        ShipperConfig config = new ConfigLoader(Map.<String, String>of()::get, dir).parse(datadog(options), "test");
        return config.exporters().get(0);
    }

    private List<String> problems(String options) {
        try {
            new ConfigLoader(Map.<String, String>of()::get, dir).parse(datadog(options), "test");
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a configuration error for options:\n" + options);
    }

    @Test
    void theConnectTimeoutIsReadNestedOrInKestrasOlderFlatSpellingAndBoundsTheConnectAlone() {
        HttpClientOptions nested = HttpClientOptions.of(parsed("timeout:\n  connectTimeout: PT3S\n"));
        HttpClientOptions flat = HttpClientOptions.of(parsed("connectTimeout: PT4S\n"));

        assertThat(nested.aloneConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(flat.aloneConnectTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(HttpClientOptions.of(parsed("followRedirects: true\n")).aloneConnectTimeout())
                .isEqualTo(RetryBudget.HTTP_CONNECT_TIMEOUT);
    }

    @Test
    void aRefusedOptionIsNamedByItsPathUnderOptionsBeforeAnythingRuns() {
        assertThat(problems("timeout:\n  connectTimeout: soon\n")).containsExactly(
                "logExporters.datadog.options.timeout.connectTimeout: 'soon' is not a positive ISO-8601 duration");
        assertThat(problems("proxy:\n  type: SOCKS\n  address: proxy.example.com\n  port: 1080\n")).containsExactly(
                "logExporters.datadog.options.proxy.type: 'SOCKS' is not DIRECT or HTTP (camel-http's client speaks to"
                        + " HTTP proxies only)");
        assertThat(problems("proxy:\n  address: http://proxy.example.com:3128\n  port: 3128\n")).containsExactly(
                "logExporters.datadog.options.proxy.address: 'http://proxy.example.com:3128' is not a host name or IPv4"
                        + " address (no scheme, no port: those go in type and port)");
        assertThat(problems("proxy:\n  address: proxy.example.com\n  port: 70000\n")).containsExactly(
                "logExporters.datadog.options.proxy.port: '70000' is not a whole number from 1 to 65535");
    }

    @Test
    void anHttpProxyIsReadWithItsCredentialsAndAnAddressNeedsAPort() {
        HttpClientOptions options = HttpClientOptions.of(parsed(
                "proxy:\n  type: HTTP\n  address: proxy.example.com\n  port: 3128\n  username: shipper\n  password: pw-1234\n"));
        assertThat(options.proxy()).isEqualTo(new HttpClientOptions.HttpProxy("proxy.example.com", 3128, "shipper", "pw-1234"));
        assertThat(HttpClientOptions.of(parsed(
                "proxyType: HTTP\nproxyAddress: proxy.example.com\nproxyPort: 3128\nproxyUsername: shipper\nproxyPassword: pw-1234\n"))
                .proxy()).as("Kestra's older flat spelling").isEqualTo(options.proxy());
        assertThat(HttpClientOptions.of(parsed("proxy:\n  type: DIRECT\n  address: proxy.example.com\n  port: 3128\n"))
                .proxy()).as("Kestra's DIRECT: no proxy").isNull();

        assertThatThrownBy(() -> HttpClientOptions.of(parsed("proxy:\n  address: proxy.example.com\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.datadog.options.proxy.port: required with options.proxy.address, e.g. port: 3128");
        assertThatThrownBy(() -> HttpClientOptions.of(parsed("proxy:\n  address: proxy.example.com\n  port: 3128\n  username: shipper\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("logExporters.datadog.options.proxy: username and password go together; give both or neither");
    }

    @Test
    void theProxyPasswordGivenInPlainIsMaskedInEveryOutput() {
        String password = "plain-proxy-password-7f3a";
        assertThat(SecretRedactor.redact("proxy said " + password)).contains(password);

        parsed("proxy:\n  address: proxy.example.com\n  port: 3128\n  username: shipper\n  password: " + password + "\n");

        assertThat(SecretRedactor.redact("proxy said " + password)).isEqualTo("proxy said ****");
    }

    @Test
    void kestrasKeysThisClientDoesNotApplyAreAcceptedAndNamed() {
        ExporterConfig config = parsed("""
                timeout:
                  connectTimeout: PT3S
                  readIdleTimeout: PT5M
                proxy:
                  address: proxy.example.com
                  port: 3128
                ssl:
                  insecureTrustAllCertificates: true
                followRedirects: false
                """);

        assertThat(HttpClientOptions.notApplied(HttpClientOptions.OPTIONS.of(config))).containsExactly(
                "options.timeout.readIdleTimeout", "options.ssl.insecureTrustAllCertificates", "options.followRedirects");
    }
}
