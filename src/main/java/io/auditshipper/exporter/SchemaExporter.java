package io.auditshipper.exporter;

import io.auditshipper.exporter.encoding.RecordSchema;
import io.auditshipper.model.AuditLogRecord;
import org.apache.camel.CamelContext;

import java.util.ArrayList;
import java.util.List;

/**
 * An exporter whose {@code schema} is not {@code KESTRA}: every batch is turned into the schema's shape, one
 * record for one (same id, same timestamp), before the destination's own exporter ships it. The one place every
 * exporter goes through ({@link ExporterFactory}), so the destinations need not know the schema.
 */
final class SchemaExporter implements LogExporter {

    private final LogExporter delegate;
    private final RecordSchema schema;

    SchemaExporter(LogExporter delegate, RecordSchema schema) {
        this.delegate = delegate;
        this.schema = schema;
    }

    @Override
    public void ship(List<AuditLogRecord> records) throws Exception {
        List<AuditLogRecord> shaped = new ArrayList<>(records.size());
        for (AuditLogRecord record : records) {
            shaped.add(schema.apply(record));
        }
        delegate.ship(shaped);
    }

    @Override
    public void bind(CamelContext context) {
        delegate.bind(context);
    }

    @Override
    public String describe() {
        return delegate.describe() + ", schema " + schema;
    }
}
