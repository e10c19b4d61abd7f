package io.reflex.engine.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a model file's bytes, refusing before it opens the file anything a model cannot be: a
 * missing path, a directory, a FIFO or device (opening a FIFO blocks until a writer comes, which
 * would hang a hot reload or {@code reflex model check}), or a file larger than the caller's limit
 * (reading a file over 2 GiB into one array throws {@link OutOfMemoryError}, and one just under
 * it would take that much heap from the process serving decisions). Each refusal is a
 * {@link ModelLoadException} naming the file.
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelFiles {

    /**
     * The default limit on a model file: 256 MiB. Reflex serves small networks on a decision path
     * measured in microseconds: its policies are kilobytes to a few megabytes, the largest model in
     * its own tests (a 1024-2048-2048-16 MLP, slow on purpose) is about 24 MiB, and a network of
     * hundreds of megabytes could not decide within any deadline Reflex supports. A file past the
     * limit is a mistake (a wrong path, a log, a data set) and is refused without being read.
     */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    /**
     * The largest limit that can be set: a model is read into one array, and a JVM allocates none
     * much larger (one more byte is read, to see a file that grew past the limit).
     */
    public static final long LARGEST_MAX_BYTES = Integer.MAX_VALUE - 16;

    private ModelFiles() {
    }

    /**
     * The bytes of {@code file}, read whole.
     *
     * @param maxBytes the largest file accepted, in {@code [1, LARGEST_MAX_BYTES]}
     * @throws ModelLoadException naming the file when it is missing, not a regular file, larger than
     *                            {@code maxBytes} (before or while it is read), or unreadable
     */
    public static byte[] read(Path file, long maxBytes) {
        requireValidLimit(maxBytes);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, "model file not found");
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read model file: " + e, e);
        }
        if (attributes.isDirectory()) {
            throw new ModelLoadException(file, "the model path is a directory, not a model file");
        }
        if (!attributes.isRegularFile()) {
            throw new ModelLoadException(file, "not a regular file (a FIFO, socket or device?): a model must be a file");
        }
        if (attributes.size() > maxBytes) {
            throw new ModelLoadException(file, String.format(Locale.ROOT,
                    "model file is %,d bytes, over the limit of %s; refused without reading it",
                    attributes.size(), limit(maxBytes)));
        }
        // The file may grow between the check and the read (a copy in progress): read at most one
        // byte past the limit, so that such a file is refused rather than read without bound.
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) maxBytes + 1);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, "model file not found");
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read model file: " + e, e);
        }
        if (bytes.length > maxBytes) {
            throw new ModelLoadException(file, "model file grew past the limit of " + limit(maxBytes)
                    + " while it was read");
        }
        return bytes;
    }

    /**
     * Checks a limit for {@link #read}.
     *
     * @throws IllegalArgumentException naming the value unless it is in {@code [1, LARGEST_MAX_BYTES]}
     */
    public static long requireValidLimit(long maxBytes) {
        if (maxBytes < 1 || maxBytes > LARGEST_MAX_BYTES) {
            throw new IllegalArgumentException("the model size limit must be in [1, " + LARGEST_MAX_BYTES
                    + "] bytes, got " + maxBytes);
        }
        return maxBytes;
    }

    /** {@code 268,435,456 bytes (256 MiB)}; the unit in brackets only when the limit is a whole one. */
    private static String limit(long bytes) {
        String exact = String.format(Locale.ROOT, "%,d bytes", bytes);
        if (bytes % (1L << 20) == 0) {
            return exact + " (" + (bytes >> 20) + " MiB)";
        }
        if (bytes % 1024 == 0) {
            return exact + " (" + (bytes >> 10) + " KiB)";
        }
        return exact;
    }

    /**
     * Publishes {@code bytes} as {@code file} atomically, as every writer of a served model must (a
     * hot reload reads the old file or the new one, whole): a temporary file beside it, given
     * {@code permissions} (ignored without POSIX permissions) and forced to disk, then renamed over
     * it. The directory is created when missing.
     *
     * @throws IOException naming the file; a parent that is a regular file is said so
     */
    public static void writeAtomically(Path file, byte[] bytes, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            // What createDirectories throws when a parent is a regular file: its message is the path alone.
            throw new IOException(e.getFile() + " is a file, not a directory", e);
        }
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            // Before the move, so the model appears with its final permissions (the temporary file
            // is created rw------- whatever the umask).
            if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, permissions);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
