package io.auditshipper.exporter.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.auditshipper.support.FakeHttpIntake;
import io.auditshipper.support.FakeHttpIntake.Answer;
import io.auditshipper.support.FakeHttpIntake.Request;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OTLP/HTTP collector that decodes every request with the official opentelemetry-proto classes:
 * {@code POST /v1/logs}, {@code application/x-protobuf} or OTLP/JSON ({@code application/json}), gzip, {@code Authorization: Bearer <token>};
 * answers an {@code ExportLogsServiceResponse} (401 for another token, 400 for what does not decode).
 */
public final class OtlpCollector implements AutoCloseable {

    public static final String TOKEN = "otel-token-654";

    public final List<LogRecord> accepted = new CopyOnWriteArrayList<>();
    public final List<ExportLogsServiceRequest> received = new CopyOnWriteArrayList<>();
    public final FakeHttpIntake http = new FakeHttpIntake(this::collect);

    public String url() {
        return http.baseUrl() + "/v1/logs";
    }

    Answer collect(Request request) {
        return collect(request, ExportLogsServiceResponse.getDefaultInstance());
    }

    Answer collect(Request request, ExportLogsServiceResponse response) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/logs");
        if (!("Bearer " + TOKEN).equals(request.header("Authorization"))) {
            return Answer.of(401, "");
        }
        assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
        boolean json = "application/json".equals(request.header("Content-Type"));
        assertThat(json || "application/x-protobuf".equals(request.header("Content-Type"))).as("content type").isTrue();
        ExportLogsServiceRequest export;
        try {
            if (json) {
                String text = new String(request.body(), StandardCharsets.UTF_8);
                // OTLP/JSON: enums as integers and lowerCamelCase keys, not the protobuf names.
                assertThat(text).contains("\"severityNumber\":9").contains("\"timeUnixNano\":\"").doesNotContain("time_unix_nano");
                ExportLogsServiceRequest.Builder builder = ExportLogsServiceRequest.newBuilder();
                JsonFormat.parser().merge(text, builder);
                export = builder.build();
            } else {
                export = ExportLogsServiceRequest.parseFrom(request.body());
            }
        } catch (InvalidProtocolBufferException e) {
            return Answer.of(400, "");
        }
        received.add(export);
        export.getResourceLogsList().forEach(resource -> {
            assertThat(resource.getResource().getAttributesList()).extracting(KeyValue::getKey).contains("service.name");
            resource.getScopeLogsList().forEach(scope -> accepted.addAll(scope.getLogRecordsList()));
        });
        if (json) {
            try {
                return new Answer(200, Map.of("Content-Type", "application/json"), JsonFormat.printer().print(response));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Answer(200, Map.of("Content-Type", "application/x-protobuf"), response.toByteArray());
    }

    public static String attribute(LogRecord log, String key) {
        return log.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst()
                .map(kv -> kv.getValue().getStringValue()).orElse(null);
    }

    @Override
    public void close() {
        http.close();
    }
}
