package io.auditshipper.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * For bench/run.sh: a Datadog-shaped logs intake on 127.0.0.1 ({@code POST /api/v2/logs}, gzipped JSON
 * array, 202) that counts requests and entries, so the benchmark measures the shipper's HTTP path rather
 * than a remote service. Writes its port to {@code <work>/intake.port}; on {@code <work>/intake.stop} it
 * prints {@code INTAKE <requests> <entries>} and exits.
 */
public final class BenchIntake {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        AtomicLong requests = new AtomicLong();
        AtomicLong entries = new AtomicLong();
        ObjectMapper json = new ObjectMapper();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/api/v2/logs", exchange -> {
            long count = 0;
            try (InputStream body = new GZIPInputStream(exchange.getRequestBody());
                 JsonParser parser = json.getFactory().createParser(body)) {
                if (parser.nextToken() == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        parser.skipChildren();
                        count++;
                    }
                }
            }
            requests.incrementAndGet();
            entries.addAndGet(count);
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        server.start();
        Files.writeString(work.resolve("intake.port"), Integer.toString(server.getAddress().getPort()));
        while (!Files.exists(work.resolve("intake.stop"))) {
            Thread.sleep(100);
        }
        server.stop(0);
        System.out.println("INTAKE " + requests.get() + " " + entries.get());
        System.exit(0);
    }
}
