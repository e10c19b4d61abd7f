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
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Hot reload: polls the model file's modification time, size and inode, and when they have changed
 * and then held still for one more poll (so a file being copied in place is not read half-written),
 * offers the file to the {@link PolicyStore}, unless the host's own check refuses it first (a model
 * of another schema or contract than the one served). The store validates it fully (shape, finite
 * weights, golden pairs, canary inputs) before one atomic swap; a refused file leaves the old
 * version serving, and both outcomes are logged. A refused file is not offered again until it changes.
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
    private final Function<Path, Optional<String>> precheck;
    private final ScheduledExecutorService executor;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private Stamp offered;
    private Stamp pending;

    /** Starts watching {@code file}, whose current contents the store already serves. */
    public ModelWatcher(Path file, PolicyStore store, Duration interval) {
        this(file, store, interval, f -> Optional.empty());
    }

    /**
     * Starts watching {@code file}, whose current contents the store already serves; a changed file
     * for which {@code precheck} gives a reason is refused with it, without being offered.
     */
    public ModelWatcher(Path file, PolicyStore store, Duration interval, Function<Path, Optional<String>> precheck) {
        this.file = Objects.requireNonNull(file, "file");
        this.store = Objects.requireNonNull(store, "store");
        this.precheck = Objects.requireNonNull(precheck, "precheck");
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
            Optional<String> why = precheck.apply(file);
            if (why.isPresent()) {
                refused.incrementAndGet();
                SidecarLog.warn("model %s refused, still serving %s: %s", file,
                        store.version().map(v -> v.label()).orElse("nothing"), why.get());
                return;
            }
            SwapResult r = store.offer(file);
            if (r.accepted()) {
                SidecarLog.info("model swapped in: now serving %s", r.version().label());
            } else {
                refused.incrementAndGet();
                SidecarLog.warn("model %s refused, still serving %s: %s", file,
                        r.version() == null ? "nothing" : r.version().label(), r.reason());
            }
        } catch (Throwable e) {
            // a scheduled task that throws is cancelled for good, silently: hot reload would stop
            // without a word, so every failure of one poll is logged and counted and the next poll runs
            failures.incrementAndGet();
            SidecarLog.error("model watch: this poll failed, the next one runs as usual: %s", e.toString());
        }
    }

    /** Polls that failed (logged each time); the watcher keeps polling after one. */
    public long failures() {
        return failures.get();
    }

    /** Changed files refused so far, by the precheck or by the store. */
    public long refused() {
        return refused.get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
