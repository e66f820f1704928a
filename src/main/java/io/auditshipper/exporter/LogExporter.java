package io.auditshipper.exporter;

import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;

import java.util.List;

/**
 * A destination. {@link #ship} returns only once the records are durably accepted (the acknowledgement
 * the offset waits for) and throws otherwise; it is retried with the same records, so a destination
 * must take a repeat as an overwrite wherever it can (deterministic file names, document ids).
 */
public interface LogExporter {

    void ship(List<AuditLogRecord> records) throws Exception;

    /** Called once the Camel context is configured, for exporters that send through Camel components. */
    default void bind(CamelContext context) {
    }

    /** For the startup summary, without credentials. */
    String describe();
}
