package io.auditshipper.exporter.gcp;

import com.google.logging.v2.LogEntry;
import com.google.logging.v2.WriteLogEntriesPartialErrors;
import com.google.logging.v2.WriteLogEntriesRequest;
import com.google.logging.v2.WriteLogEntriesResponse;
import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cloud Logging's {@code entries.write} as a real gRPC server on 127.0.0.1, with the official
 * {@code google.logging.v2} messages: checks the request (log name, resource, partial success, entry and
 * request sizes), keeps the entries, and can answer UNAVAILABLE, or INVALID_ARGUMENT carrying
 * {@code WriteLogEntriesPartialErrors} for chosen entries (which, with partial success, the others survive).
 */
public final class FakeCloudLogging implements AutoCloseable {

    static final MethodDescriptor<WriteLogEntriesRequest, WriteLogEntriesResponse> WRITE =
            MethodDescriptor.<WriteLogEntriesRequest, WriteLogEntriesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("google.logging.v2.LoggingServiceV2/WriteLogEntries")
                    .setRequestMarshaller(ProtoUtils.marshaller(WriteLogEntriesRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(WriteLogEntriesResponse.getDefaultInstance()))
                    .build();

    public final List<LogEntry> entries = new CopyOnWriteArrayList<>();
    final List<WriteLogEntriesRequest> requests = new CopyOnWriteArrayList<>();
    public final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicInteger unavailable = new AtomicInteger();
    /** How many writes were answered UNAVAILABLE. */
    final AtomicInteger answeredUnavailable = new AtomicInteger();
    volatile Set<String> rejectedIds = Set.of();
    private final Server server;

    public FakeCloudLogging() {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerServiceDefinition.builder("google.logging.v2.LoggingServiceV2")
                            .addMethod(WRITE, ServerCalls.asyncUnaryCall(this::write)).build())
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getPort();
    }

    private void write(WriteLogEntriesRequest request, StreamObserver<WriteLogEntriesResponse> answer) {
        requests.add(request);
        if (unavailable.getAndDecrement() > 0) {
            answeredUnavailable.incrementAndGet();
            answer.onError(Status.UNAVAILABLE.withDescription("try again").asRuntimeException());
            return;
        }
        try {
            assertThat(request.getLogName()).isEqualTo("projects/my-gcp-project/logs/kestra-audit");
            assertThat(request.getResource().getType()).isEqualTo("global");
            assertThat(request.getResource().getLabelsMap()).containsEntry("project_id", "my-gcp-project");
            assertThat(request.getPartialSuccess()).isTrue();
            assertThat(request.getSerializedSize()).as("request size").isLessThanOrEqualTo(10 * 1024 * 1024);
            for (LogEntry entry : request.getEntriesList()) {
                assertThat(entry.getSerializedSize()).as("entry size").isLessThanOrEqualTo(256 * 1024);
                assertThat(entry.getInsertId()).isNotEmpty();
                assertThat(entry.hasTimestamp()).isTrue();
            }
        } catch (AssertionError e) {
            violations.add(e.getMessage());
            answer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        WriteLogEntriesPartialErrors.Builder errors = WriteLogEntriesPartialErrors.newBuilder();
        for (int i = 0; i < request.getEntriesCount(); i++) {
            LogEntry entry = request.getEntries(i);
            if (rejectedIds.contains(entry.getInsertId())) {
                errors.putLogEntryErrors(i, com.google.rpc.Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
                        .setMessage("Log entry with size 300K exceeds maximum size").build());
            } else {
                entries.add(entry);
            }
        }
        if (errors.getLogEntryErrorsCount() > 0) {
            answer.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                    .setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("Some entries were not written")
                    .addDetails(Any.pack(errors.build())).build()));
            return;
        }
        answer.onNext(WriteLogEntriesResponse.getDefaultInstance());
        answer.onCompleted();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
