package io.auditshipper.exporter.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Read access to where a file or object-store exporter writes: what the manifest writer needs to find the chain's
 * tail after a start, and what {@link ManifestChain#check} reads. Names are relative to the directory or bucket,
 * folders separated by {@code /}.
 */
public interface StoredObjects {

    /** The names that start with {@code prefix}, in any order. */
    List<String> list(String prefix) throws IOException;

    /** The object's bytes, or null when there is no such object. */
    InputStream open(String name) throws IOException;
}
