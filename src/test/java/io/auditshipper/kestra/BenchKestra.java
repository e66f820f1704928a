package io.auditshipper.kestra;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * bench/run.sh's Kestra API: the test suite's server, written from Kestra's 1.3.0 spec, holding the logs the
 * file exporter shipped ({@code <work>/out/*.ndjson}, loaded in date order). Writes {@code kestra.env} when it
 * answers, and stops when {@code kestra.stop} appears.
 */
public final class BenchKestra {

    private BenchKestra() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        try (FakeKestraServer kestra = new FakeKestraServer(); Stream<Path> listing = Files.list(work.resolve("out"))) {
            // The file names begin with their first log's time, and each file is in (date, id) order.
            List<Path> files = listing.sorted().toList();
            long logs = 0;
            for (Path file : files) {
                try (BufferedReader lines = Files.newBufferedReader(file)) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        kestra.add(line);
                        logs++;
                    }
                }
            }
            Path env = work.resolve("kestra.env.tmp");
            Files.writeString(env, "KESTRA_URL=" + kestra.url() + "\nKESTRA_USER='" + FakeKestraServer.USER
                    + "'\nKESTRA_PASSWORD='" + FakeKestraServer.PASSWORD + "'\nKESTRA_LOGS=" + logs + "\n");
            Files.move(env, work.resolve("kestra.env"));
            while (!Files.exists(work.resolve("kestra.stop"))) {
                Thread.sleep(200);
            }
        }
    }
}
