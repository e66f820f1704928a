package io.auditshipper;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.integrity.ManifestChain;
import io.auditshipper.exporter.integrity.StoredObjects;
import io.auditshipper.exporter.integrity.TamperEvidence;
import io.auditshipper.model.Offset;
import io.auditshipper.offset.OffsetStore;
import io.auditshipper.offset.OffsetStores;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.source.AuditLogSource;
import io.auditshipper.source.Sources;
import io.auditshipper.verify.DestinationReaders;
import io.auditshipper.verify.ExporterReport;
import io.auditshipper.verify.RangeCheck;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --verify [EXPORTER...] [--from T] [--to T]}: compares the logs the source holds in a range with what each
 * exporter's destination holds ({@link RangeCheck}, streaming both, about 9 bytes an id), and prints one report per
 * exporter: expected, found, missing, duplicated, extra. Destinations that cannot be read back are reported
 * skipped ({@link DestinationReaders}).
 */
final class VerifyCommand {

    private final ShipperConfig config;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;

    VerifyCommand(ShipperConfig config, Clock clock, PrintStream out, PrintStream err) {
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.err = err;
    }

    /** The exit status: 0 when no verified exporter misses a log, 1 otherwise, 2 for an unknown exporter. */
    int run(List<String> names, Instant from, Instant to) {
        List<String> problems = new ArrayList<>();
        List<String> ids = config.exporters().stream().map(ExporterConfig::id).toList();
        Map<ExporterConfig, DestinationReaders.Readable> readers = new LinkedHashMap<>();
        List<ExporterConfig> exporters = new ArrayList<>(names.isEmpty() ? config.exporters() : List.of());
        for (String name : names) {
            config.exporters().stream().filter(e -> e.id().equals(name)).findFirst().ifPresentOrElse(exporters::add,
                    () -> problems.add("--verify " + name + ": no exporter '" + name + "' in the configuration; the"
                            + " exporters are " + ids));
        }
        for (ExporterConfig exporter : exporters) {
            try {
                readers.put(exporter, DestinationReaders.of(exporter, config));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            closeAll(readers);
            Main.printConfigErrors(new ConfigException(problems), err);
            return Main.BAD_CONFIG;
        }
        Instant start = from != null ? from : clock.instant().minus(config.lookbackPeriod()).truncatedTo(ChronoUnit.MICROS);
        boolean failed = false;
        try (AuditLogSource source = Sources.open(config)) {
            StoredOffsets offsets = null;
            for (Map.Entry<ExporterConfig, DestinationReaders.Readable> entry : readers.entrySet()) {
                String id = entry.getKey().id();
                DestinationReaders.Readable readable = entry.getValue();
                if (readable.reader() == null) {
                    out.println("verify " + id + ": " + readable.skipped());
                    continue;
                }
                Offset upTo = null;
                if (to == null) {
                    if (offsets == null) {
                        try (OffsetStore store = OffsetStores.open(config)) {
                            offsets = store.load();
                        }
                    }
                    upTo = offsets.of(id).orElse(null);
                    if (upTo == null) {
                        out.println("verify " + id + ": no stored offset, nothing shipped yet; give --to to check a"
                                + " range, skipped");
                        continue;
                    }
                }
                RangeCheck.Range range = new RangeCheck.Range(start, upTo == null ? to : upTo.timestamp(), upTo);
                ExporterReport report = RangeCheck.run(source, range, readable.reader())
                        .report("verify " + id + ": " + readable.reader().describe() + ", logs from " + start + " to "
                                + (upTo == null ? to : "the stored offset " + upTo));
                report.print(out);
                failed |= report.fails();
                if (TamperEvidence.enabled(entry.getKey()) && readable.objects() != null) {
                    failed |= chainBroken(entry.getKey(), readable.objects());
                }
            }
        } catch (RuntimeException | IOException e) {
            err.println("verify failed: " + SecretRedactor.redact(String.valueOf(e.getMessage())));
            return Main.SHIPPING_FAILED;
        } finally {
            closeAll(readers);
        }
        return failed ? Main.SHIPPING_FAILED : Main.OK;
    }

    /** Checks the manifest chain of an exporter written with {@code tamperEvident} and prints it; whether it is broken. */
    private boolean chainBroken(ExporterConfig exporter, StoredObjects objects) throws IOException {
        ManifestChain.Result chain = ManifestChain.check(ObjectNaming.of(exporter, ObjectNaming.maxLinesPerFile(1)).prefix(), objects);
        chain.lines().forEach(line -> out.println("  " + line));
        return !chain.findings().isEmpty();
    }

    private static void closeAll(Map<ExporterConfig, DestinationReaders.Readable> readers) {
        readers.values().stream().filter(r -> r.reader() != null).forEach(r -> r.reader().close());
    }
}
