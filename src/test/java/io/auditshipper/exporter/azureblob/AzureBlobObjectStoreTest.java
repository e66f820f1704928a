package io.auditshipper.exporter.azureblob;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.exporter.storage.ObjectStoreExporter;
import io.auditshipper.support.AzuriteServer;
import io.auditshipper.support.Blackhole;
import io.auditshipper.support.ExporterCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The Azure Blob store's client as the exporter uses it. */
class AzureBlobObjectStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @TempDir
    Path dir;

    /**
     * An account whose SYNs are dropped costs the pass's shared stream one connect of 1 s, the bound the retry budget
     * gives the exporter there, instead of the SDK client's 10 s (Netty's timeout names it). Nothing was sent.
     */
    @Test
    void aBlackholedAccountCostsTheSharedStreamOneConnectOf1s() throws Exception {
        try (Blackhole blackhole = new Blackhole(); DefaultCamelContext camel = new DefaultCamelContext()) {
            ExporterConfig config = ExporterCheck.config("blob", ExporterType.AZURE_BLOB, Map.of("containerName", "audit",
                    "connectionString", "DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT + ";AccountKey="
                            + AzuriteServer.KEY + ";BlobEndpoint=http://127.0.0.1:" + blackhole.port() + "/" + AzuriteServer.ACCOUNT + ";"),
                    Map.of());
            ObjectStoreExporter exporter = ObjectStoreExporter.from(config, AzureBlobObjectStore.from(config, ExporterCheck.sharingTheStream("blob", dir).retryBudget()),
                    AzureBlobConfig.MAX_LINES);
            exporter.bind(camel);
            camel.start();

            // A guard against a hang, not a measure: the outcome is read from the failure.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> exporter.ship(ExporterCheck.tenLogs(83, NOW)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("connection timed out after 1000 ms"));
        }
    }
}
