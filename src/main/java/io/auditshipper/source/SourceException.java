package io.auditshipper.source;

import io.auditshipper.config.SecretRedactor;

/** The source could not be read; the message says which source and why, without secrets. */
public class SourceException extends RuntimeException {

    public SourceException(String message, Throwable cause) {
        super(SecretRedactor.redact(message + (cause == null ? "" : ": " + cause.getMessage())), cause);
    }

    public SourceException(String message) {
        this(message, null);
    }
}
