package io.reflex.sidecar.server;

import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hot reload: polls the model file's modification time, size and inode, and when they have changed
 * and then held still for one more poll (so a file being copied in place is not read half-written),
 * offers the file to the {@link PolicyStore}. The store validates it fully (shape, finite weights,
 * golden pairs, canary inputs) before one atomic swap; a refused file leaves the old version
 * serving, and both outcomes are logged. A refused file is not offered again until it changes.
 *
 * <p>Polling rather than {@code WatchService}: the watch service misses replacements by rename
 * into a directory watched through a symbolic link, and on some file systems it is polling anyway.
 *
 * <p>Runs on one daemon thread of its own; thread-safe. Allocates per poll (a file stat), never on
 * the decision path.
 */
public final class ModelWatcher implements AutoCloseable {

    private record Stamp(long modifiedNanos, long size, Object key) {
    }

    private final Path file;
    private final PolicyStore store;
    private final ScheduledExecutorService executor;
    private Stamp offered;
    private Stamp pending;

    /** Starts watching {@code file}, whose current contents the store already serves. */
    public ModelWatcher(Path file, PolicyStore store, Duration interval) {
        this.file = Objects.requireNonNull(file, "file");
        this.store = Objects.requireNonNull(store, "store");
        this.offered = stamp();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sidecar-model-watch");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        executor.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), a.fileKey());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            SidecarLog.warn("model watch: cannot stat %s: %s", file, e.getMessage());
            return null;
        }
    }

    private void poll() {
        try {
            Stamp now = stamp();
            if (now == null || now.equals(offered)) {
                pending = null;
                return;
            }
            if (!now.equals(pending)) {
                pending = now;       // changed: wait one poll for it to settle
                return;
            }
            pending = null;
            offered = now;
            SidecarLog.info("model %s changed (%,d bytes): loading and checking it", file, now.size());
            SwapResult r = store.offer(file);
            if (r.accepted()) {
                SidecarLog.info("model swapped in: now serving %s", r.version().label());
            } else {
                SidecarLog.warn("model %s refused, still serving %s: %s", file,
                        r.version() == null ? "nothing" : r.version().label(), r.reason());
            }
        } catch (RuntimeException e) {
            SidecarLog.error("model watch: %s", e.toString());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
