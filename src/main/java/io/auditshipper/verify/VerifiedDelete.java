package io.auditshipper.verify;

import io.auditshipper.config.ExporterConfig;
import io.auditshipper.config.SecretRedactor;
import io.auditshipper.config.ShipperConfig;
import io.auditshipper.model.Offset;
import io.auditshipper.model.OffsetOrder;
import io.auditshipper.source.AuditLogSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code delete: true} with {@code verifyBeforeDelete: true} (the default): before the source's logs up to an
 * offset are deleted, the logs the source still holds up to it (those after the last delete: the range about to be
 * deleted) are checked at every readable destination as {@code --verify} checks them, and only those up to the
 * first one missing anywhere are deleted. With {@code verifyBeforeDelete: false}, everything up to the offset is.
 */
public final class VerifiedDelete implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VerifiedDelete.class);

    private final AuditLogSource source;
    private final List<Destination> destinations;

    private record Destination(String exporterId, DestinationReader reader) {
    }

    private VerifiedDelete(AuditLogSource source, List<Destination> destinations) {
        this.source = source;
        this.destinations = destinations;
    }

    public static VerifiedDelete of(ShipperConfig config, AuditLogSource source) {
        List<Destination> destinations = new ArrayList<>();
        if (config.delete() && config.verifyBeforeDelete()) {
            for (ExporterConfig exporter : config.exporters()) {
                DestinationReaders.Readable readable = DestinationReaders.of(exporter, config);
                if (readable.reader() != null) {
                    destinations.add(new Destination(exporter.id(), readable.reader()));
                }
            }
        }
        return new VerifiedDelete(source, destinations);
    }

    /** How far the logs up to {@code upTo} may be deleted: up to the last one before the first missing anywhere. */
    public Optional<Offset> deletableUpTo(Offset upTo) {
        OffsetOrder order = source.order();
        Offset proven = upTo;
        for (Destination destination : destinations) {
            RangeCheck.Result result;
            try {
                result = RangeCheck.run(source, new RangeCheck.Range(null, upTo.timestamp(), upTo), destination.reader());
            } catch (IOException | RuntimeException e) {
                LOG.warn("delete held back: exporter {} could not be read back ({}); nothing is deleted",
                        destination.exporterId(), SecretRedactor.redact(String.valueOf(e.getMessage())));
                return Optional.empty();
            }
            if (result.tally().missing() > 0) {
                LOG.warn("delete held back: exporter {} misses {} of the {} logs about to be deleted (first: {});"
                                + " deleting only up to {}", destination.exporterId(), result.tally().missing(),
                        result.tally().expected(), result.missingIds().get(0),
                        result.provenUpTo() == null ? "none of them" : result.provenUpTo());
                if (result.provenUpTo() == null) {
                    return Optional.empty();
                }
                proven = order.min(proven, result.provenUpTo());
            }
        }
        return Optional.of(proven);
    }

    @Override
    public void close() {
        destinations.forEach(destination -> destination.reader().close());
    }
}
