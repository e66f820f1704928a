package io.auditshipper.exporter.integrity;

/** One thing {@link ManifestChain#check} found wrong, naming the object (or the manifest entry) it is about. */
public record ChainFinding(Kind kind, String name, String detail) {

    public enum Kind {
        /** A data object the manifest records is not there. */
        MISSING_OBJECT,
        /** A data object's bytes are not those the manifest records for it. */
        EDITED_OBJECT,
        /** A data object holds the bytes the manifest records for another object: objects swapped or renamed. */
        MOVED_OBJECT,
        /** A data object no manifest entry records. */
        UNRECORDED_OBJECT,
        /** Entries of the chain are missing (seq numbers skipped). */
        MISSING_ENTRY,
        /** An entry is not the one the next entry was chained to, is not an entry, or does not match its own name. */
        EDITED_ENTRY
    }

    @Override
    public String toString() {
        return kind + " " + name + ": " + detail;
    }
}
