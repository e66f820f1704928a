package io.auditshipper.verify;

import io.auditshipper.exporter.encoding.ObjectNaming;
import io.auditshipper.exporter.integrity.StoredObjects;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The files or objects an exporter wrote (the file exporter's directory, an S3 or GCS bucket, an Azure container),
 * found by the exporter's own naming ({@link ObjectNaming}: {@code <prefix>-<first record's date>-<id>.ndjson},
 * {@code .gz} when compressed) and read line by line, gunzipped when compressed.
 *
 * <p>Which objects may hold a record of [from, until]: none named after a date later than {@code until}; of those
 * named before {@code from}, the last one (a batch's records follow its first) and those within {@code slack} of
 * {@code from} (a late batch, named after its first late log, reaches at most the late-arrival window past it).
 */
public final class ShippedObjectsReader implements DestinationReader {

    private record Named(String name, Instant firstDate) {
    }

    private static final Comparator<Named> NAME_ORDER = Comparator.comparing(Named::firstDate).thenComparing(Named::name);

    private final String kind;
    private final String location;
    private final ObjectNaming naming;
    private final boolean gzip;
    private final Duration slack;
    private final StoredObjects objects;

    /** {@code kind}: "files" or "objects", for the report. */
    public ShippedObjectsReader(String kind, String location, ObjectNaming naming, boolean gzip, Duration slack,
                                StoredObjects objects) {
        this.kind = kind;
        this.location = location;
        this.naming = naming;
        this.gzip = gzip;
        this.slack = slack;
        this.objects = objects;
    }

    @Override
    public long read(Instant from, Instant until, Each each) throws IOException {
        String suffix = gzip ? ".gz" : "";
        Instant reach = from.minus(slack);
        List<Named> candidates = new ArrayList<>();
        Named lastBefore = null;
        for (String name : objects.list(naming.prefix() + "-")) {
            Instant first = naming.firstDate(name, suffix);
            if (first == null || first.isAfter(until)) {
                continue;
            }
            Named named = new Named(name, first);
            if (!first.isBefore(reach)) {
                candidates.add(named);
            } else if (lastBefore == null || NAME_ORDER.compare(named, lastBefore) > 0) {
                lastBefore = named;
            }
        }
        if (lastBefore != null) {
            candidates.add(lastBefore);
        }
        candidates.sort(NAME_ORDER);
        long unreadable = 0;
        for (Named object : candidates) {
            InputStream stored = objects.open(object.name());
            if (stored == null) {
                continue; // removed since it was listed: its records count as missing
            }
            try (InputStream lines = gzip ? new GZIPInputStream(stored, 64 * 1024) : stored) {
                unreadable += LogLines.read(lines, each);
            }
        }
        return unreadable;
    }

    @Override
    public String describe() {
        return naming.format() + (gzip ? "+gzip" : "") + " " + kind + " " + location + "/" + naming.prefix() + "-*";
    }
}
