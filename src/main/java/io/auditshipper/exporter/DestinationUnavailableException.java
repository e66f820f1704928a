package io.auditshipper.exporter;

/**
 * The destination kept failing (429, 5xx, unreachable) through the exporter's own retries, or refused the
 * credentials. The batch is not acknowledged; the exporter lags and tries again on a later pass. The route
 * does not redeliver it again, the exporter having waited already.
 */
public class DestinationUnavailableException extends RuntimeException {

    public DestinationUnavailableException(String message, Throwable cause) {
        super(io.auditshipper.config.SecretRedactor.redact(message), cause);
    }
}
