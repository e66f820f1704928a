package io.auditshipper.offset;

import io.auditshipper.config.SecretRedactor;
import io.auditshipper.storage.IoReasons;

import java.io.IOException;

/** The offsets could not be read or written; nothing is shipped past what was stored. */
public class OffsetStoreException extends RuntimeException {

    public OffsetStoreException(String message, Throwable cause) {
        super(SecretRedactor.redact(message + (cause == null ? ""
                : ": " + (cause instanceof IOException io ? IoReasons.of(io) : cause.getMessage()))), cause);
    }
}
