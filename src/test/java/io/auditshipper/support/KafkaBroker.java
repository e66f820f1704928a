package io.auditshipper.support;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka broker on 127.0.0.1: one KRaft node (broker and controller), Kafka's own {@code kafka.Kafka}
 * main in a child JVM, so that a test can take it down (the process is killed) and bring it back on the same port
 * and log directory. Kafka's jars come from Maven Central (test scope).
 */
public final class KafkaBroker implements AutoCloseable {

    private final Path directory;
    private final Path properties;
    private final int port;
    private Process process;

    public KafkaBroker(Path directory) throws Exception {
        this.directory = directory;
        this.port = freePort();
        int controllerPort = freePort();
        this.properties = Files.writeString(directory.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + directory.resolve("logs"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // A restart after a kill waits for the dead broker's session to end: keep it short.
                "broker.session.timeout.ms=2000",
                "broker.heartbeat.interval.ms=500",
                "controller.quorum.election.timeout.ms=500",
                ""));
        Process format = java("format", "kafka.tools.StorageTool", "format", "--config", properties.toString(),
                "--cluster-id", UUID.randomUUID().toString().replace("-", "").substring(0, 22));
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("kafka storage format failed: " + Files.readString(directory.resolve("format.log")));
        }
        start();
    }

    /** Starts (or restarts) the broker and waits until it takes connections. */
    public void start() throws Exception {
        process = java("broker", "kafka.Kafka", properties.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(directory.resolve("broker.log")).contains("Kafka Server started")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("kafka did not start: " + Files.readString(directory.resolve("broker.log")));
            }
            Thread.sleep(50);
        }
        // Restarted, the broker takes back its partitions' leadership a moment after it says it started.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            while (admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values().stream()
                    .flatMap(topic -> topic.partitions().stream()).anyMatch(partition -> partition.leader() == null)) {
                Thread.sleep(50);
            }
        }
    }

    /** Takes the broker down as a crash would: nothing is answered on its port until {@link #start()}. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        while (accepts()) {
            Thread.sleep(20);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Every record of the topic's single partition, from its beginning, as (key, value) entries. */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
            }
            return records;
        }
    }

    private Process java(String name, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve(name + ".log").toFile())).start();
    }

    private boolean accepts() {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
