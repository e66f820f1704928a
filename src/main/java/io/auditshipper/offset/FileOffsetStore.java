package io.auditshipper.offset;

import io.auditshipper.storage.AtomicFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Offsets in {@code <directory>/<offsetKey>.json}, replaced atomically (see {@link AtomicFile}): a crash
 * leaves either the old offsets or the new ones.
 */
public final class FileOffsetStore implements OffsetStore {

    private final Path file;
    private FileChannel lockChannel;

    public FileOffsetStore(Path directory, String offsetKey) {
        this.file = directory.resolve(offsetKey + ".json");
    }

    @Override
    public StoredOffsets load() {
        if (!Files.exists(file)) {
            return StoredOffsets.NONE;
        }
        try {
            return StoredOffsets.fromJson(Files.readString(file), describe());
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

    /** An OS lock on {@code <offsetKey>.lock} beside the offsets: the kernel drops it when the process dies. */
    @Override
    public synchronized void lock() {
        if (lockChannel != null) {
            return;
        }
        Path lockFile = file.resolveSibling(file.getFileName().toString().replace(".json", ".lock"));
        try {
            Files.createDirectories(lockFile.toAbsolutePath().getParent());
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException held) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new OffsetStoreException("another shipper holds " + lockFile + "; only one instance may ship"
                        + " offsetKey " + file.getFileName().toString().replace(".json", "") + " at a time", null);
            }
            lockChannel = channel;
        } catch (IOException e) {
            throw new OffsetStoreException("cannot lock " + lockFile, e);
        }
    }

    @Override
    public synchronized void close() {
        if (lockChannel != null) {
            try {
                lockChannel.close();
            } catch (IOException ignored) {
                // closing releases the lock; the process is letting go of it either way
            }
            lockChannel = null;
        }
    }

    @Override
    public String describe() {
        return "file " + file;
    }
}
