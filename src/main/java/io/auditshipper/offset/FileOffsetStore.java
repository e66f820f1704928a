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
 * Offsets in {@code <directory>/<offsetKey>.json} (and the recently shipped logs in {@code <offsetKey>.recent.json}),
 * replaced atomically (see {@link AtomicFile}): a crash leaves either the old value or the new one.
 */
public final class FileOffsetStore implements OffsetStore {

    private final Path file;
    private FileChannel lockChannel;

    public FileOffsetStore(Path directory, String offsetKey) {
        this.file = directory.resolve(offsetKey + ".json");
    }

    private Path file(String suffix) {
        return file.resolveSibling(file.getFileName().toString().replace(".json", suffix + ".json"));
    }

    @Override
    public String read(String suffix) {
        Path path = file(suffix);
        if (!Files.exists(path)) {
            return null;
        }
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new OffsetStoreException("cannot read " + path, e);
        }
    }

    @Override
    public void write(String suffix, String value) {
        Path path = file(suffix);
        try {
            AtomicFile.write(path, out -> out.write(value.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new OffsetStoreException("cannot write " + path, e);
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
    public String describe(String suffix) {
        return "file " + file(suffix);
    }
}
