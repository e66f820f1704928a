package io.auditshipper.exporter.retry;

import io.auditshipper.exporter.DestinationUnavailableException;

/**
 * The destination kept answering "later" through every attempt the exporter had: unlike a refusal (credentials,
 * configuration), worth trying again later, in the pass's catch-up or on a later pass.
 */
public final class RetriesSpentException extends DestinationUnavailableException {

    public RetriesSpentException(String message) {
        super(message, null);
    }
}
