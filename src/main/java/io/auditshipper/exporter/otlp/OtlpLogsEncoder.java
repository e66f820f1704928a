package io.auditshipper.exporter.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.exporter.http.RequestEncoder;
import io.auditshipper.model.AuditLogRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An OTLP {@code ExportLogsServiceRequest} in protobuf (or OTLP/JSON): one resource ({@code service.name},
 * {@code host.name}), one scope, and a log record per audit log with the log's own time as
 * {@code time_unix_nano}, the audit log JSON as body, and the audit fields as attributes.
 */
record OtlpLogsEncoder(String serviceName, String hostName, boolean json) implements RequestEncoder {

    /** OTLP/JSON: the protobuf JSON mapping with lowerCamelCase names and enums as integers, as the spec asks. */
    private static final JsonFormat.Printer OTLP_JSON = JsonFormat.printer().printingEnumsAsInts()
            .omittingInsignificantWhitespace();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Attribute name and where the value sits in the AuditLog JSON. */
    private static final Map<String, String[]> ATTRIBUTES = Map.of(
            "kestra.audit.id", new String[]{"id"},
            "kestra.audit.type", new String[]{"type"},
            "kestra.audit.user_id", new String[]{"userId"},
            "kestra.audit.tenant_id", new String[]{"tenantId"},
            "kestra.audit.ip_address", new String[]{"ipAddress"},
            "kestra.audit.detail.type", new String[]{"detail", "type"},
            "kestra.audit.detail.id", new String[]{"detail", "id"},
            "kestra.audit.detail.namespace", new String[]{"detail", "namespace"},
            "kestra.audit.detail.resource_type", new String[]{"detail", "resourceType"});

    @Override
    public byte[] encode(List<AuditLogRecord> records) throws IOException {
        ScopeLogs.Builder scope = ScopeLogs.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("kestra-audit-shipper"));
        long observed = nanos(Instant.now());
        for (AuditLogRecord record : records) {
            JsonNode log = JSON.readTree(record.json());
            LogRecord.Builder otel = LogRecord.newBuilder()
                    .setTimeUnixNano(nanos(record.timestamp()))
                    .setObservedTimeUnixNano(observed)
                    .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
                    .setSeverityText("INFO")
                    .setEventName("kestra.audit")
                    .setBody(AnyValue.newBuilder().setStringValue(record.json()));
            ATTRIBUTES.forEach((name, path) -> {
                JsonNode value = log;
                for (String field : path) {
                    value = value.path(field);
                }
                if (value.isValueNode() && !value.isNull()) {
                    otel.addAttributes(attribute(name, value.asText()));
                }
            });
            scope.addLogRecords(otel);
        }
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", serviceName))
                        .addAttributes(attribute("host.name", hostName)))
                .addScopeLogs(scope)).build();
        return json ? OTLP_JSON.print(request).getBytes(StandardCharsets.UTF_8) : request.toByteArray();
    }

    private static KeyValue attribute(String name, String value) {
        return KeyValue.newBuilder().setKey(name).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
