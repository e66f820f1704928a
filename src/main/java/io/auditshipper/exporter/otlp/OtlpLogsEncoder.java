package io.auditshipper.exporter.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.exporter.http.JsonFraming;
import io.auditshipper.exporter.http.RequestEncoder;
import io.auditshipper.model.AuditLogRecord;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
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
final class OtlpLogsEncoder implements RequestEncoder {

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
    private static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder().setName("kestra-audit-shipper").build();

    private final boolean json;
    private final Resource resource;
    /** OTLP/JSON: the request around its log records. */
    private final JsonFraming jsonFraming;

    OtlpLogsEncoder(String serviceName, String hostName, boolean json) {
        this.json = json;
        this.resource = Resource.newBuilder().addAttributes(attribute("service.name", serviceName))
                .addAttributes(attribute("host.name", hostName)).build();
        try {
            this.jsonFraming = JsonFraming.of("{\"resourceLogs\":[{\"resource\":" + OTLP_JSON.print(resource)
                    + ",\"scopeLogs\":[{\"scope\":" + OTLP_JSON.print(SCOPE) + ",\"logRecords\":[", "]}]}]}");
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A {@code LogRecord}, in protobuf or OTLP/JSON. */
    @Override
    public byte[] entry(AuditLogRecord record) throws IOException {
        JsonNode log = JSON.readTree(record.json());
        LogRecord.Builder otel = LogRecord.newBuilder()
                .setTimeUnixNano(nanos(record.timestamp()))
                .setObservedTimeUnixNano(nanos(Instant.now()))
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
        LogRecord built = otel.build();
        return json ? OTLP_JSON.print(built).getBytes(StandardCharsets.UTF_8) : built.toByteArray();
    }

    /** Exact for OTLP/JSON; for protobuf an upper bound (each record's length prefix counted at its largest). */
    @Override
    public long bodySize(int entries, long entryBytes) {
        if (json) {
            return jsonFraming.bodySize(entries, entryBytes);
        }
        long records = entryBytes + (long) entries * (1 + CodedOutputStream.computeUInt64SizeNoTag(entryBytes));
        return requestSize(records);
    }

    /** An {@code ExportLogsServiceRequest}: one resource, one scope, the log records as they were encoded. */
    @Override
    public byte[] body(List<byte[]> entries) throws IOException {
        if (json) {
            return jsonFraming.body(entries);
        }
        long records = 0;
        for (byte[] entry : entries) {
            records += 1 + CodedOutputStream.computeUInt32SizeNoTag(entry.length) + entry.length;
        }
        int scopeLogs = (int) (CodedOutputStream.computeMessageSize(1, SCOPE) + records);
        int resourceLogs = CodedOutputStream.computeMessageSize(1, resource) + 1
                + CodedOutputStream.computeUInt32SizeNoTag(scopeLogs) + scopeLogs;
        byte[] body = new byte[(int) requestSize(records)];
        CodedOutputStream out = CodedOutputStream.newInstance(body);
        out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(resourceLogs);
        out.writeMessage(1, resource);
        out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(scopeLogs);
        out.writeMessage(1, SCOPE);
        for (byte[] entry : entries) {
            out.writeByteArray(2, entry);
        }
        out.checkNoSpaceLeft();
        return body;
    }

    /** The size of the request whose log records (each with its tag and length) take {@code records} bytes. */
    private long requestSize(long records) {
        long scopeLogs = CodedOutputStream.computeMessageSize(1, SCOPE) + records;
        long resourceLogs = CodedOutputStream.computeMessageSize(1, resource) + 1
                + CodedOutputStream.computeUInt64SizeNoTag(scopeLogs) + scopeLogs;
        return 1 + CodedOutputStream.computeUInt64SizeNoTag(resourceLogs) + resourceLogs;
    }

    private static KeyValue attribute(String name, String value) {
        return KeyValue.newBuilder().setKey(name).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
