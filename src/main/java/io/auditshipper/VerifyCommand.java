package io.auditshipper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.ExporterType;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.encoding.RecordFormat;
import io.auditshipper.exporter.integrity.DirectoryObjects;
import io.auditshipper.exporter.integrity.ManifestChain;
import io.auditshipper.exporter.integrity.TamperEvidence;
import io.auditshipper.model.AuditLogRecord;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.offset.OffsetStore;
import io.auditshipper.offset.OffsetStores;
import io.auditshipper.offset.StoredOffsets;
import io.auditshipper.source.AuditLogSource;
import io.auditshipper.source.Sources;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code --verify [EXPORTER...] [--from T] [--to T]}: compares the ids the source holds in a range with the ids an
 * exporter's destination holds, and prints expected, found, missing, duplicated and extra. This first slice reads
 * the file exporter's JSON files only; other exporters are reported as skipped.
 *
 * <p>Memory: the source's ids in the range are held in one set (about 100 bytes an id: a few million ids fit in
 * a few hundred MB); the files are streamed line by line and a found id moves from the expected set to the found
 * set, so an id is held once.
 */
final class VerifyCommand {

    private static final int LISTED = 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

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
        List<ExporterConfig> exporters = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> ids = config.exporters().stream().map(ExporterConfig::id).toList();
        for (String name : names) {
            config.exporters().stream().filter(e -> e.id().equals(name)).findFirst().ifPresentOrElse(exporters::add,
                    () -> problems.add("--verify " + name + ": no exporter '" + name + "' in the configuration; the"
                            + " exporters are " + ids));
        }
        if (names.isEmpty()) {
            exporters.addAll(config.exporters());
        }
        for (ExporterConfig exporter : exporters) {
            if (exporter.type() == ExporterType.FILE) {
                try {
                    ObjectNaming.from(exporter, 1_000_000);
                    TamperEvidence.enabled(exporter);
                } catch (ConfigException e) {
                    problems.addAll(e.problems());
                }
            }
        }
        if (!problems.isEmpty()) {
            Main.printConfigErrors(new ConfigException(problems), err);
            return Main.BAD_CONFIG;
        }
        Instant start = from != null ? from : clock.instant().minus(config.lookbackPeriod()).truncatedTo(ChronoUnit.MICROS);
        boolean anyMissing = false;
        try (AuditLogSource source = Sources.open(config)) {
            StoredOffsets offsets = null;
            for (ExporterConfig exporter : exporters) {
                if (exporter.type() != ExporterType.FILE) {
                    out.println("verify " + exporter.id() + ": " + exporter.type().kestraType()
                            + " is not readable here, skipped");
                    continue;
                }
                ObjectNaming naming = ObjectNaming.from(exporter, 1_000_000);
                if (naming.format() != RecordFormat.JSON) {
                    out.println("verify " + exporter.id() + ": " + naming.format() + " files are not readable here yet"
                            + " (JSON only), skipped");
                    continue;
                }
                Offset upTo = null;
                Instant until = to;
                if (to == null) {
                    if (offsets == null) {
                        try (OffsetStore store = OffsetStores.open(config)) {
                            offsets = store.load();
                        }
                    }
                    upTo = offsets.of(exporter.id()).orElse(null);
                    if (upTo == null) {
                        out.println("verify " + exporter.id() + ": no stored offset, nothing shipped yet; give --to"
                                + " to check a range, skipped");
                        continue;
                    }
                    until = upTo.timestamp();
                }
                anyMissing |= verifyFile(exporter, naming, source, start, until, upTo);
                if (TamperEvidence.enabled(exporter)) {
                    ManifestChain.Result chain = ManifestChain.check(naming.prefix(),
                            new DirectoryObjects(Path.of(exporter.string("outputDirectory", "./out"))));
                    chain.lines().forEach(line -> out.println("  " + line));
                    anyMissing |= !chain.findings().isEmpty();
                }
            }
        } catch (RuntimeException | IOException e) {
            err.println("verify failed: " + SecretRedactor.redact(String.valueOf(e.getMessage())));
            return Main.SHIPPING_FAILED;
        }
        return anyMissing ? Main.SHIPPING_FAILED : Main.OK;
    }

    /** Prints the report of one file exporter; whether a log is missing. */
    private boolean verifyFile(ExporterConfig exporter, ObjectNaming naming, AuditLogSource source, Instant start,
                               Instant until, Offset upTo) throws IOException {
        OffsetOrder order = source.order();
        Set<String> expected = new LinkedHashSet<>();
        for (Iterator<List<AuditLogRecord>> pages = source.read(Offset.before(start), until); pages.hasNext(); ) {
            for (AuditLogRecord record : pages.next()) {
                if (upTo == null || !order.isBefore(upTo, record.offset())) {
                    expected.add(record.id());
                }
            }
        }
        long expectedCount = expected.size();
        Path prefixPath = Path.of(exporter.string("outputDirectory", "./out")).resolve(naming.prefix());
        Path folder = prefixPath.getParent() == null ? Path.of(".") : prefixPath.getParent();
        String namePrefix = prefixPath.getFileName() + "-";
        String extension = "." + naming.format().extension();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> listed = Files.list(folder)) {
                listed.filter(f -> {
                    String name = f.getFileName().toString();
                    return name.startsWith(namePrefix) && name.endsWith(extension) && Files.isRegularFile(f)
                            && !startsAfter(name.substring(namePrefix.length()), until);
                }).sorted().forEach(files::add);
            }
        }
        Set<String> found = new HashSet<>();
        Set<String> extra = new LinkedHashSet<>();
        List<String> duplicatedIds = new ArrayList<>();
        long duplicated = 0;
        long lines = 0;
        long unreadable = 0;
        for (Path file : files) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    lines++;
                    String id;
                    Instant date;
                    try {
                        JsonNode log = JSON.readTree(line);
                        id = log.path("id").isTextual() ? log.path("id").asText() : null;
                        date = log.path("date").isTextual() ? Instant.parse(log.path("date").asText())
                                .truncatedTo(ChronoUnit.MICROS) : null;
                    } catch (IOException | DateTimeParseException e) {
                        unreadable++;
                        continue;
                    }
                    if (id == null) {
                        unreadable++;
                    } else if (expected.remove(id)) {
                        found.add(id);
                    } else if (found.contains(id) || extra.contains(id)) {
                        duplicated++;
                        if (duplicatedIds.size() < LISTED) {
                            duplicatedIds.add(id);
                        }
                    } else if (date != null && !date.isBefore(start) && (upTo == null ? !date.isAfter(until)
                            : !order.isBefore(upTo, new Offset(date, id)))) {
                        extra.add(id);
                    }
                }
            }
        }
        out.println("verify " + exporter.id() + ": " + files.size() + " files " + folder.toAbsolutePath().normalize()
                + "/" + namePrefix + "*" + extension + " (" + lines + " lines), logs from " + start + " to "
                + (upTo == null ? until : "the stored offset " + upTo));
        out.println(String.format("  expected   %d", expectedCount));
        out.println(String.format("  found      %d", found.size()));
        out.println(String.format("  missing    %d%s", expected.size(), listed(expected)));
        out.println(String.format("  duplicated %d%s", duplicated, listed(duplicatedIds)));
        out.println(String.format("  extra      %d%s", extra.size(), listed(extra)));
        if (unreadable > 0) {
            out.println(String.format("  unreadable %d lines (not JSON, or without an id or a date)", unreadable));
        }
        out.println("  " + (expected.isEmpty() ? "OK: every log of the source in the range is there"
                : "MISSING: " + expected.size() + " logs of the source are not there"));
        return !expected.isEmpty();
    }

    private static String listed(Iterable<String> ids) {
        List<String> first = new ArrayList<>();
        for (String id : ids) {
            if (first.size() == LISTED) {
                first.add("...");
                break;
            }
            first.add(id);
        }
        return first.isEmpty() ? "" : ": " + String.join(", ", first);
    }

    /** A file named after a first record stamped after {@code until} holds nothing in the range. */
    private static boolean startsAfter(String rest, Instant until) {
        try {
            return rest.length() >= 23 && STAMP.parse(rest.substring(0, 23), Instant::from).isAfter(until);
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }
}
