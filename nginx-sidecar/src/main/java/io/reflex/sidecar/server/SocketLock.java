package io.reflex.sidecar.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one sidecar that may publish a socket path: an exclusive lock on {@code PATH.lock}, taken
 * before anything is bound and held for the sidecar's lifetime. Two sidecars started at once on one
 * path would otherwise both bind in their private directories and both rename into the path, the
 * second replacing the first's socket while the first reports ready, unreachable.
 *
 * <p>The lock file stays after the sidecar stops (deleting it would let a third sidecar lock a new
 * file while a second still holds the old one); the operating system releases the lock when the
 * process dies, SIGKILL included, so a stale file never blocks a start. Not thread-safe; one
 * instance per sidecar.
 */
final class SocketLock implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private SocketLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a socket path. */
    static Path fileOf(Path socket) {
        return socket.resolveSibling(socket.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code socket}, without waiting.
     *
     * @throws IllegalStateException naming the path and the lock file when another sidecar (in this
     *                               process or another) holds it
     * @throws IOException           when the lock file cannot be created or locked
     */
    static SocketLock acquire(Path socket) throws IOException {
        Path file = fileOf(socket);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another sidecar is starting or serving on " + socket + " (it holds "
                    + file + "): stop it first");
        }
        return new SocketLock(file, channel, lock);
    }

    /** The lock file. */
    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it too
        }
        try {
            channel.close();
        } catch (IOException e) {
            SidecarLog.warn("closing %s: %s", file, e.getMessage());
        }
    }
}
