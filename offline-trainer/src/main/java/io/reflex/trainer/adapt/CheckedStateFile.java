package io.reflex.trainer.adapt;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The envelope of {@code adapt}'s state files: a magic (u64), a version (u32), the body, and a
 * CRC-32C of everything before it (u32), big-endian ({@link java.io.DataOutput}). Saved to a
 * temporary file beside it, forced to disk and renamed over the old one (then the directory is
 * forced where the platform allows), so a crash leaves the old state or the new, whole. Loading
 * checks the magic, the version, the body's own consistency and the checksum, and names the file in
 * one line when any fails: a damaged state is never replaced silently.
 *
 * <p>Stateless and thread-safe; each call allocates its streams.
 */
final class CheckedStateFile {

    /** Writes a state's body. */
    @FunctionalInterface
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads a state's body; an {@link IOException} or {@link IllegalArgumentException} says it is inconsistent. */
    @FunctionalInterface
    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private CheckedStateFile() {
    }

    /**
     * Reads {@code file}.
     *
     * @param what the file's kind for messages, e.g. "an adapt state file"
     * @throws IOException naming the file when it is not of this kind, of another version, truncated,
     *                     inconsistent or failing its checksum; the message says to move it aside
     */
    static <T> T load(Path file, long magic, int version, String what, Reader<T> reader) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
             CheckedInputStream checked = new CheckedInputStream(raw, crc)) {
            DataInputStream in = new DataInputStream(checked);
            if (in.readLong() != magic) {
                throw new IOException(file + ": not " + what + " (bad magic); move it aside to start afresh");
            }
            int v = in.readInt();
            if (v != version) {
                throw new IOException(file + ": state version " + v + ", this build reads " + version
                        + "; move it aside to start afresh");
            }
            T body;
            try {
                body = reader.read(in);
            } catch (EOFException e) {
                throw e;
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage() + " (the file is damaged); move it aside to start afresh", e);
            }
            long expected = crc.getValue();
            int stored = new DataInputStream(raw).readInt();
            if ((int) expected != stored) {
                throw new IOException(file + ": checksum mismatch (the file is damaged); move it aside to start afresh");
            }
            if (raw.read() >= 0) {
                throw new IOException(file + ": bytes after the checksum (the file is damaged); move it aside to start afresh");
            }
            return body;
        } catch (EOFException e) {
            throw new IOException(file + ": truncated (the file is damaged); move it aside to start afresh", e);
        }
    }

    /** Writes {@code file} atomically (temporary file, force, rename, directory force). */
    static void save(Path file, long magic, int version, Body body) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
            out.writeLong(magic);
            out.writeInt(version);
            body.write(out);
            out.flush();
            new DataOutputStream(raw).writeInt((int) crc.getValue());
            raw.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename itself is durable once the directory is: force it where the platform allows.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system lets a directory be opened or forced; the file itself was forced
        }
    }
}
