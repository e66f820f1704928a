package io.auditshipper;

import io.auditshipper.config.ConfigException;
import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.model.Offset;
import io.auditshipper.offset.OffsetStore;
import io.auditshipper.offset.OffsetStoreException;
import io.auditshipper.offset.OffsetStores;
import io.auditshipper.offset.RecentlyShipped;
import io.auditshipper.offset.StoredOffsets;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --offsets} and {@code --set-offset}: the supported way to read and to set the stored offsets (a restore,
 * a replay), so nobody edits the store by hand. Setting takes the store's single-instance lock, so it cannot race
 * a running shipper, and may move an offset backwards (that is what a replay is).
 */
final class OffsetCommands {

    private static final String ALL = "all";

    private final ShipperConfig config;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;
    private final List<String> exporterIds;

    OffsetCommands(ShipperConfig config, Clock clock, PrintStream out, PrintStream err) {
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.err = err;
        this.exporterIds = config.exporters().stream().map(ExporterConfig::id).toList();
    }

    /** Prints the offsets ({@code assignments} empty) or sets them; the exit status. */
    int run(List<String> assignments) {
        Map<String, Offset> wanted;
        try {
            wanted = parse(assignments);
        } catch (ConfigException e) {
            Main.printConfigErrors(e, err);
            return Main.BAD_CONFIG;
        }
        try (OffsetStore store = OffsetStores.open(config)) {
            if (wanted.isEmpty()) {
                print(store.describe(), store.load());
                return Main.OK;
            }
            store.lock();
            StoredOffsets current = readForReplacing(store, wanted);
            StoredOffsets next = current;
            for (Map.Entry<String, Offset> set : wanted.entrySet()) {
                next = next.replace(set.getKey(), set.getValue());
            }
            // First, so no crash leaves a moved offset beside a record of the old one: logs it skips would look late.
            RecentlyShipped recent = readRecent(store);
            wanted.keySet().forEach(recent::forget);
            store.saveRecent(recent);
            store.save(next);
            wanted.forEach((id, offset) -> out.println("set " + id + ": " + current.of(id).map(Offset::toString)
                    .orElse("none") + " -> " + offset));
            print(store.describe(), store.load());
            return Main.OK;
        } catch (OffsetStoreException e) {
            err.println("offsets: " + SecretRedactor.redact(e.getMessage()));
            return Main.SHIPPING_FAILED;
        }
    }

    /**
     * The stored offsets to set some of; when they cannot be read, nothing, provided every exporter is being set:
     * keeping the unreadable value's other offsets is impossible, and dropping them would restart those exporters
     * from the lookback.
     */
    private StoredOffsets readForReplacing(OffsetStore store, Map<String, Offset> wanted) {
        try {
            return store.load();
        } catch (OffsetStoreException unreadable) {
            if (!wanted.keySet().containsAll(exporterIds)) {
                throw new OffsetStoreException(unreadable.getMessage() + ". To replace them, give every exporter an"
                        + " offset (--set-offset all=TIMESTAMP[/ID])", null);
            }
            return StoredOffsets.NONE;
        }
    }

    /**
     * The record of recently shipped logs, or, when it cannot be read, a new one: every exporter is then tracked
     * again from its offset at the next pass, as after an upgrade.
     */
    private static RecentlyShipped readRecent(OffsetStore store) {
        try {
            return store.loadRecent();
        } catch (OffsetStoreException unreadable) {
            return RecentlyShipped.none();
        }
    }

    private void print(String where, StoredOffsets offsets) {
        Instant now = clock.instant();
        out.println("offsets in " + where + " (now " + now.truncatedTo(ChronoUnit.SECONDS) + "):");
        for (String id : exporterIds) {
            out.println(String.format("  %-20s %s", id, offsets.of(id).map(offset -> offset + "  lag "
                    + Duration.between(offset.timestamp(), now).truncatedTo(ChronoUnit.SECONDS)).orElse(
                    "none: the next pass starts at now minus lookbackPeriod (" + config.lookbackPeriod() + ")")));
        }
        offsets.exporters().keySet().stream().filter(id -> !exporterIds.contains(id)).forEach(id -> out.println(
                String.format("  %-20s %s  (not in the configuration: kept, unused)", id, offsets.of(id).orElseThrow())));
    }

    /** {@code EXPORTER=TIMESTAMP[/ID]} each, {@code all=} first, so a named exporter's own overrides it. */
    private Map<String, Offset> parse(List<String> assignments) {
        Map<String, Offset> all = new LinkedHashMap<>();
        Map<String, Offset> named = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            String id = eq < 0 ? assignment : assignment.substring(0, eq);
            if (eq < 0) {
                problems.add("--set-offset " + assignment + ": expected EXPORTER=TIMESTAMP[/ID], e.g. "
                        + (exporterIds.isEmpty() ? ALL : exporterIds.get(0)) + "=2026-11-20T10:00:00Z");
            } else if (!id.equals(ALL) && !exporterIds.contains(id)) {
                problems.add("--set-offset " + assignment + ": no exporter '" + id + "' in the configuration; the"
                        + " exporters are " + exporterIds + " (or all)");
            } else {
                try {
                    Offset offset = offset(assignment.substring(eq + 1));
                    if (id.equals(ALL)) {
                        exporterIds.forEach(each -> all.put(each, offset));
                    } else {
                        named.put(id, offset);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add("--set-offset " + assignment + ": " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        all.putAll(named);
        return all;
    }

    /** {@code TIMESTAMP[/ID]}: the timestamp is an ISO-8601 instant (it has no '/'), the id whatever follows. */
    private Offset offset(String value) {
        int slash = value.indexOf('/');
        String timestamp = slash < 0 ? value : value.substring(0, slash);
        Instant at;
        try {
            at = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + timestamp + "' is not an ISO-8601 instant such as 2026-11-20T10:00:00Z");
        }
        if (at.isAfter(clock.instant().plus(StoredOffsets.CLOCK_TOLERANCE))) {
            throw new IllegalArgumentException(at + " is later than now: nothing would be shipped until then");
        }
        return slash < 0 ? Offset.before(at) : new Offset(at, value.substring(slash + 1));
    }
}
