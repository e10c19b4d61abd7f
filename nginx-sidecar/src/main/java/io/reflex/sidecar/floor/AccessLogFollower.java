package io.reflex.sidecar.floor;

import io.reflex.sidecar.server.SidecarLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows a growing log file as {@code tail -F} does, by polling (no inotify, nothing beyond the
 * JDK): every poll reads what was appended since the last and hands each complete line to a
 * {@link Sink}; a last line without its newline waits for it.
 *
 * <ul>
 *   <li><b>Start:</b> at the file's end (what was logged before the sidecar started is not live
 *       traffic); a file that does not exist yet is followed from its start once it appears.</li>
 *   <li><b>Rotation by rename</b> (logrotate's default, then {@code nginx -s reopen}): when the path
 *       names another file (another inode), the old one, still open, is read to its end, and for as
 *       long as NGINX keeps appending to it (until it reopens its log) the follower stays on it; one
 *       poll that finds nothing new there switches to the new file, from its start.</li>
 *   <li><b>Truncation</b> ({@code copytruncate}): a file shorter than what was read is read again
 *       from its start, and a partial line held is dropped.</li>
 *   <li>A line longer than {@value #MAX_LINE} bytes is reported as {@link Sink#overlong} and skipped
 *       to its newline.</li>
 * </ul>
 * Line numbers count from where following began in the file: from 1 at the file's start, or from
 * the first line appended after a start at the end ({@link #startOffset}).
 *
 * <p>One daemon thread ({@link #start}), or {@link #poll} called by one thread (tests); the sink runs
 * on that thread. Allocation: a 64 KiB buffer and a line buffer at construction; none per line.
 */
public final class AccessLogFollower implements AutoCloseable {

    /** Receives the lines read, on the follower's thread. */
    public interface Sink {
        /**
         * A complete line, {@code bytes[from, to)} without its newline (valid only during the call).
         *
         * @param number the line's number in the file, from where following began
         */
        void line(byte[] bytes, int from, int to, long number);

        /** A line of more than {@value #MAX_LINE} bytes, skipped. */
        void overlong(long number);

        /** Called after every poll, lines or not (the sink's periodic work). */
        default void polled() {
        }
    }

    /** Longest line kept, in bytes: an extended-format line with a long URI fits many times. */
    static final int MAX_LINE = 16 * 1024;

    private final Path file;
    private final Duration interval;
    private final Sink sink;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final byte[] line = new byte[MAX_LINE];
    private final AtomicLong reopened = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private int lineLength;
    private boolean overlong;
    private FileChannel channel;
    private Object fileKey;
    private long position;
    private long startOffset;
    private long lineNumber;
    /** The path names another file than the one open: drain the open one first. */
    private boolean rotating;
    private volatile boolean stopped;
    private Thread thread;

    /**
     * Follows {@code file} from its current end (from its start if it does not exist yet).
     *
     * @param interval how long the thread sleeps between polls
     */
    public AccessLogFollower(Path file, Duration interval, Sink sink) {
        this.file = Objects.requireNonNull(file, "file");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.sink = Objects.requireNonNull(sink, "sink");
        if (!openCurrent(true)) {
            SidecarLog.info("access log %s does not exist yet: following it from its start once it does", file);
        }
    }

    /** Starts the polling thread ({@code sidecar-access-log}). */
    public AccessLogFollower start() {
        thread = Thread.ofPlatform().name("sidecar-access-log").daemon().start(this::run);
        return this;
    }

    private void run() {
        while (!stopped) {
            try {
                poll();
            } catch (RuntimeException e) {
                // the floor must not stop following on one bad poll: logged, and the next one runs
                SidecarLog.error("access log %s: this poll failed, the next one runs as usual: %s", file, e);
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One poll: reads what was appended, follows a rotation or truncation. On the follower's thread only. */
    public void poll() {
        try {
            if (channel == null && !openCurrent(false)) {
                return;
            }
            long read = drain();
            Object now = currentKey();
            if (now != null && !now.equals(fileKey)) {
                if (!rotating) {
                    rotating = true;
                    SidecarLog.info("access log %s was rotated: reading the old file to its end first", file);
                } else if (read == 0) {
                    // the old file was quiet for a whole poll: NGINX writes to the new one now
                    closeChannel();
                    rotating = false;
                    reopened.incrementAndGet();
                    openCurrent(false);
                    SidecarLog.info("access log %s: following the new file from its start", file);
                    drain();
                }
            } else if (now != null && channel.size() < position) {
                truncated.incrementAndGet();
                SidecarLog.info("access log %s was truncated (%,d bytes, %,d read): reading it again from its start",
                        file, channel.size(), position);
                position = 0;
                startOffset = 0;
                lineNumber = 0;
                lineLength = 0;
                overlong = false;
                drain();
            }
        } catch (IOException e) {
            SidecarLog.warn("access log %s: %s; reopening it at the next poll", file, e.getMessage());
            closeChannel();
        } finally {
            sink.polled();
        }
    }

    /** Opens the file the path names now: at its end when {@code atEnd}, else at its start. */
    private boolean openCurrent(boolean atEnd) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            channel = ch;
            fileKey = key;
            position = atEnd ? ch.size() : 0;
            startOffset = position;
            lineNumber = 0;
            lineLength = 0;
            overlong = false;
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            SidecarLog.warn("access log %s cannot be opened: %s; trying again at the next poll", file, e.getMessage());
            return false;
        }
    }

    private Object currentKey() throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;     // renamed away, not recreated yet: keep reading the open file
        }
    }

    /** Reads from {@link #position} to the end of the open file; returns the bytes read. */
    private long drain() throws IOException {
        long total = 0;
        while (!stopped) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n <= 0) {
                return total;
            }
            position += n;
            total += n;
            byte[] b = buffer.array();
            for (int i = 0; i < n; i++) {
                byte c = b[i];
                if (c == '\n') {
                    endLine();
                } else if (lineLength < MAX_LINE) {
                    line[lineLength++] = c;
                } else {
                    overlong = true;
                }
            }
        }
        return total;
    }

    private void endLine() {
        lineNumber++;
        int to = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        if (overlong) {
            sink.overlong(lineNumber);
        } else if (to > 0) {
            sink.line(line, 0, to, lineNumber);
        }
        lineLength = 0;
        overlong = false;
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            channel = null;
        }
    }

    /** The followed path. */
    public Path file() {
        return file;
    }

    /** The byte offset in the current file where following began (its end at start-up, else 0). */
    public long startOffset() {
        return startOffset;
    }

    /** Times the follower moved to a new file after a rotation by rename (any thread). */
    public long reopened() {
        return reopened.get();
    }

    /** Times the file was found truncated and read again from its start (any thread). */
    public long truncated() {
        return truncated.get();
    }

    /** Stops the thread (waits for the poll in progress) and closes the file. */
    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeChannel();
    }
}
