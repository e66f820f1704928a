package io.auditshipper.bench;

import io.auditshipper.support.S3Server;
import io.auditshipper.support.SearchNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;

/**
 * For bench/run.sh: {@code BenchServers WORK} starts the destinations of the storage and search runs, a
 * real OpenSearch node ({@link SearchNode}, heap from {@code -Dsearchnode.heap}) and S3Proxy
 * ({@link S3Server}, in this JVM, buckets {@code raw} and {@code shipped}), writes
 * {@code WORK/servers.env} (OS_URL, S3_URL, S3_KEY, S3_SECRET) and waits. When {@code WORK/s3.count}
 * appears it writes {@code WORK/s3.report}: per bucket, {@code S3 <bucket> <objects> <lines> <distinct ids>};
 * it stops when {@code WORK/servers.stop} appears.
 */
public final class BenchServers {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        SearchNode opensearch = SearchNode.opensearch();
        S3Server s3 = new S3Server();
        // Closed on the way out however the JVM ends (servers.stop, SIGTERM from the script's cleanup).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                s3.close();
                opensearch.close();
            } catch (Exception e) {
                System.err.println("stopping the servers: " + e);
            }
        }));
        s3.createBucket("raw");
        s3.createBucket("shipped");
        Files.writeString(work.resolve("servers.env.tmp"), "OS_URL=" + opensearch.url() + "\nS3_URL=" + s3.endpoint()
                + "\nS3_KEY=" + s3.accessKey() + "\nS3_SECRET='" + s3.secretKey() + "'\n");
        Files.move(work.resolve("servers.env.tmp"), work.resolve("servers.env"), StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ready: " + opensearch.url() + " and " + s3.endpoint());
        boolean counted = false;
        while (!Files.exists(work.resolve("servers.stop"))) {
            if (!counted && Files.exists(work.resolve("s3.count"))) {
                StringBuilder report = new StringBuilder();
                for (String bucket : new String[]{"raw", "shipped"}) {
                    long lines = 0;
                    Set<String> ids = new HashSet<>();
                    for (String key : s3.listKeys(bucket)) {
                        for (String line : new String(s3.read(bucket, key).content(), StandardCharsets.UTF_8).split("\n")) {
                            ids.add(io.auditshipper.support.ShipperFixture.idOf(line));
                            lines++;
                        }
                    }
                    report.append("S3 ").append(bucket).append(' ').append(s3.listKeys(bucket).size()).append(' ')
                            .append(lines).append(' ').append(ids.size()).append('\n');
                }
                Files.writeString(work.resolve("s3.report.tmp"), report);
                Files.move(work.resolve("s3.report.tmp"), work.resolve("s3.report"), StandardCopyOption.ATOMIC_MOVE);
                counted = true;
            }
            Thread.sleep(200);
        }
        // S3Proxy's Jetty threads are not daemons: without an explicit exit the JVM (and the hook) would wait forever.
        System.exit(0);
    }
}
