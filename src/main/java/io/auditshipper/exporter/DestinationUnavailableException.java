package io.auditshipper.exporter;

/**
 * The destination kept failing (429, 5xx, unreachable) through the exporter's retries, or refused what no retry
 * can mend (credentials, a wrong endpoint). The batch is not acknowledged; the exporter lags and tries again on a
 * later pass. {@link RetryingExporter} does not ship the batch again: the exporter has read the answer already.
 */
public class DestinationUnavailableException extends RuntimeException {

    public DestinationUnavailableException(String message, Throwable cause) {
        super(io.auditshipper.config.SecretRedactor.redact(message), cause);
    }
}
