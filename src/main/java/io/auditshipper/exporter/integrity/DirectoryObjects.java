package io.auditshipper.exporter.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** {@link StoredObjects} over a local directory, the file exporter's {@code outputDirectory}. */
public record DirectoryObjects(Path directory) implements StoredObjects {

    @Override
    public List<String> list(String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        String folder = prefix.substring(0, slash + 1);
        String start = prefix.substring(slash + 1);
        Path dir = directory.resolve(folder.isEmpty() ? "." : folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    // AtomicFile's temporary files (".<name>.tmp") are not objects.
                    .filter(name -> name.startsWith(start) && !(name.startsWith(".") && name.endsWith(".tmp")))
                    .map(name -> folder + name).toList();
        }
    }

    @Override
    public InputStream open(String name) throws IOException {
        try {
            return Files.newInputStream(directory.resolve(name));
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
