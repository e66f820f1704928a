package io.auditshipper.exporter;

import io.auditshipper.config.RetryConfig;

import java.nio.file.Path;

/** What the task gives every exporter besides its own properties. */
public record ExporterContext(Path deadLetterDirectory, RetryConfig retry) {
}
