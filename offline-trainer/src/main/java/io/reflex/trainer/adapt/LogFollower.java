package io.reflex.trainer.adapt;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Follows a growing text log, {@code tail -F} style, handing out whole lines only, and says exactly
 * where it stands ({@link Position}) so that a restart resumes at the first line not handed out.
 *
 * <ul>
 *   <li><b>A partial last line</b> (the writer is mid-line, or died mid-line) is never handed out
 *       while the file may still grow: the position stays at its first byte.</li>
 *   <li><b>Rotation by rename</b> ({@code logrotate}'s default, then NGINX reopening on
 *       {@code USR1}): when the path names another file, the old one is read to its end first, and
 *       the follower moves to the new one only once the writer has written to it, so no line the
 *       writer put in the old file after the rename is lost. A partial line left at the end of the
 *       rotated file is dropped and reported.</li>
 *   <li><b>Truncation in place</b> ({@code copytruncate}): the file is shorter than the position;
 *       reading starts again at its first byte, reported.</li>
 *   <li><b>A restart after a rotation</b>: the file read before is looked for beside the path
 *       (e.g. {@code access.log.1}, uncompressed) by its identity and drained from the saved
 *       offset; if it is gone, the path is read from its start and the possible gap reported.</li>
 * </ul>
 *
 * <p>A file's identity is its {@link BasicFileAttributes#fileKey()} (device and inode on Linux). Not
 * thread-safe: one thread polls. A poll allocates its chunk.
 */
public final class LogFollower implements Closeable {

    /**
     * Where reading stands: the identity of the file being read ({@code null} before any file was
     * seen), the byte offset of the first line not handed out, that line's number less one, and a
     * CRC-32C of the file's first {@code min(offset, }{@value #HEAD_BYTES}{@code )} bytes. The
     * checksum tells a new file from the old one when the file system gave it the old one's inode
     * (a deleted log's inode is often reused at once) or when a truncated log grew past the offset.
     */
    public record Position(String fileId, long offset, long line, int head) {
        /** Before anything was read: the path is read from its first byte when it appears. */
        public static final Position START = new Position(null, 0, 0, 0);

        public Position {
            if (offset < 0 || line < 0) {
                throw new IllegalArgumentException("offset and line must be >= 0, got " + offset + ", " + line);
            }
        }
    }

    /**
     * Whole lines read by one poll, from {@code file} where its line {@code firstLine} (from 1) is
     * the first of them; {@code notes} says what else happened (rotations, truncations, gaps), one
     * line each.
     */
    public record Chunk(byte[] lines, String file, long firstLine, List<String> notes) {
        /** Whether the poll found neither lines nor anything worth saying. */
        public boolean isEmpty() {
            return lines.length == 0 && notes.isEmpty();
        }
    }

    /** The most bytes of a file's start its {@link Position#head()} covers. */
    static final int HEAD_BYTES = 1024;

    /** The most bytes one poll hands out; a longer line than this is dropped and reported. */
    static final int MAX_CHUNK_BYTES = 1 << 22;

    private final Path path;
    private FileChannel channel;
    /** The file being read: the path's file, or a rotated one being drained. */
    private Path reading;
    private String fileId;
    private long offset;
    private long line;
    /** Bytes of an over-long line still to skip, up to and including its newline. */
    private boolean skippingLongLine;
    /**
     * {@link #head} of the file up to the offset, kept current wherever the offset moves (open, each
     * chunk): a change means the file was rewritten, and it is the saved position's checksum.
     */
    private int readHead;
    private final List<String> notes = new ArrayList<>();

    /**
     * @param path  the log as its writer names it
     * @param start where the previous run stopped, or {@link Position#START}
     */
    public LogFollower(Path path, Position start) throws IOException {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
        Objects.requireNonNull(start, "start");
        resume(start);
    }

    /** Where the next poll starts: save it with everything the lines handed out so far went into. */
    public Position position() {
        return new Position(fileId, offset, line, channel == null ? 0 : readHead);
    }

    /**
     * Reads what the log gained since the last poll: the whole lines (at most
     * {@value #MAX_CHUNK_BYTES} bytes; poll again while lines come), or the notes of a rotation or
     * truncation found at the end of the file. Empty when nothing changed.
     */
    public Chunk poll() throws IOException {
        if (channel == null && !openPath(0, 0)) {
            return chunk(new byte[0], 1);
        }
        long size = channel.size();
        if (reading.equals(path) && offset > 0 && (size < offset || size > offset && head(channel, offset) != readHead)) {
            note("%s was truncated in place (it is %,d bytes, reading stood at %,d, and its start has changed): "
                    + "reading it again from its start", reading, size, offset);
            offset = 0;
            line = 0;
            skippingLongLine = false;
        }
        if (size > offset) {
            int want = (int) Math.min(size - offset, MAX_CHUNK_BYTES);
            ByteBuffer buffer = ByteBuffer.allocate(want);
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // read until the buffer is full or the file ends
            }
            byte[] bytes = buffer.array();
            int filled = buffer.position();
            int from = 0;
            if (skippingLongLine) {
                int newline = indexOf(bytes, 0, filled);
                if (newline < 0) {
                    offset += filled;
                    return chunk(new byte[0], line + 1);
                }
                from = newline + 1;
                offset += from;
                line++;
                skippingLongLine = false;
            }
            int end = lastIndexOf(bytes, from, filled);
            if (end >= 0) {
                byte[] lines = java.util.Arrays.copyOfRange(bytes, from, end + 1);
                long first = line + 1;
                offset += lines.length;
                line += count(lines);
                return chunk(lines, first);
            }
            if (filled - from == MAX_CHUNK_BYTES) {
                note("%s:%d: a line longer than %,d bytes, dropped", reading, line + 1, MAX_CHUNK_BYTES);
                offset += filled - from;
                skippingLongLine = true;
                return chunk(new byte[0], line + 1);
            }
        }
        // At the end of the file (but for a partial line): has the writer moved to a new file?
        String pathId = idOrNull(path);
        if (pathId != null && !pathId.equals(fileId) && sizeOrZero(path) > 0) {
            long partial = channel.size() - offset;
            if (partial > 0) {
                note("%s:%d: the rotated file ends in a partial line (%,d bytes without a newline), dropped",
                        reading, line + 1, partial);
            }
            note("%s was rotated; reading the new %s from its start", reading, path);
            channel.close();
            openPath(0, 0);
        }
        return chunk(new byte[0], line + 1);
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void resume(Position start) throws IOException {
        if (start.fileId() == null) {
            openPath(0, 0);
            return;
        }
        if (sameFile(path, start)) {
            openPath(start.offset(), start.line());
            return;
        }
        Path rotated = rotatedSibling(start);
        if (rotated != null) {
            open(rotated, start.fileId(), start.offset(), start.line());
            note("resuming in %s, the rotated file read before the restart, at line %d", rotated, start.line() + 1);
            return;
        }
        openPath(0, 0);
        note("the file read before the restart (%s) is no longer beside %s: reading it from its start; "
                + "lines logged to the old file after the last saved position are lost", start.fileId(), path);
    }

    /** Opens the path at the offset; false when it does not exist (yet). */
    private boolean openPath(long at, long atLine) throws IOException {
        String id = idOrNull(path);
        if (id == null) {
            channel = null;
            reading = path;
            return false;
        }
        open(path, id, at, atLine);
        return true;
    }

    private void open(Path file, String id, long at, long atLine) throws IOException {
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            channel = null;
            return;
        }
        reading = file;
        fileId = id;
        offset = at;
        line = atLine;
        skippingLongLine = false;
        readHead = head(channel, at);
    }

    private Path rotatedSibling(Position start) throws IOException {
        Path dir = path.getParent();
        String prefix = path.getFileName().toString();
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(dir, prefix + "?*")) {
            for (Path p : siblings) {
                if (!p.equals(path) && !p.toString().endsWith(".gz") && sameFile(p, start)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Whether {@code file} is the one {@code start} was taken in: the same identity and the same start. */
    private static boolean sameFile(Path file, Position start) throws IOException {
        if (!start.fileId().equals(idOrNull(file))) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.size() >= start.offset() && head(ch, start.offset()) == start.head();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** The file's size, 0 when it is gone (it may be renamed between two looks). */
    private static long sizeOrZero(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** The file's identity, or null when it does not exist. */
    static String idOrNull(Path file) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Object key = a.fileKey();
            // Without a file key (not on Linux), the creation time is the best identity there is.
            return key != null ? key.toString() : "created=" + a.creationTime().toMillis();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private Chunk chunk(byte[] lines, long firstLine) throws IOException {
        readHead = channel == null ? 0 : head(channel, offset);
        Chunk c = new Chunk(lines, reading.toString(), firstLine, List.copyOf(notes));
        notes.clear();
        return c;
    }

    /** CRC-32C of the file's first {@code min(upTo, HEAD_BYTES)} bytes (fewer if it is shorter now). */
    private static int head(FileChannel ch, long upTo) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(upTo, HEAD_BYTES));
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // until full or at the end of the file
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        return (int) crc.getValue();
    }

    private void note(String format, Object... args) {
        notes.add(String.format(Locale.ROOT, format, args));
    }

    private static int indexOf(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] bytes, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long count(byte[] bytes) {
        long n = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
