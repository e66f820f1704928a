package io.auditshipper.offset;

import io.auditshipper.storage.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Offsets in {@code <directory>/<offsetKey>.json}, replaced atomically (see {@link AtomicFile}): a crash
 * leaves either the old offsets or the new ones.
 */
public final class FileOffsetStore implements OffsetStore {

    private final Path file;

    public FileOffsetStore(Path directory, String offsetKey) {
        this.file = directory.resolve(offsetKey + ".json");
    }

    @Override
    public StoredOffsets load() {
        if (!Files.exists(file)) {
            return StoredOffsets.NONE;
        }
        try {
            return StoredOffsets.fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new OffsetStoreException("cannot read offsets from " + file, e);
        }
    }

    @Override
    public void save(StoredOffsets offsets) {
        try {
            AtomicFile.write(file, out -> out.write(offsets.toJson().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new OffsetStoreException("cannot write offsets to " + file, e);
        }
    }

    @Override
    public String describe() {
        return "file " + file;
    }
}
