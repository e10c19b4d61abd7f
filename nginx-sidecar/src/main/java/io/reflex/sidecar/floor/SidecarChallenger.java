package io.reflex.sidecar.floor;

import io.reflex.engine.adapt.ChallengerShadow;
import io.reflex.engine.adapt.LruFloor;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.onnx.ModelFiles;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
import io.reflex.sidecar.server.SidecarLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A challenger model file beside the sidecar's served one ({@code --challenger PATH}), evaluated in
 * the shadow on the LRU floor's sampled keys: whenever the file holds a new model (changed, then
 * still for one poll, as the model watcher reads the served file), the engine's
 * {@link ChallengerShadow} runs it in miniature and pairs its outcomes with the live cache's (NGINX
 * serving the current model, or LRU while the floor has demoted it). When it leads with confidence,
 * its bytes replace the served model file (a copy beside it, forced and renamed over it), and the
 * sidecar hot-reloads it as it would any new file. A challenger that never leads never serves; a
 * file that does not load or does not keep the served model's contract is refused once, logged.
 *
 * <p>Threading: everything but the counters runs on the access-log follower's thread (the floor's).
 * Allocation-free per request; loading a challenger allocates.
 */
final class SidecarChallenger implements AutoCloseable {

    private final Path file;
    private final Path served;
    private final EvictionModel contract;
    private final long capacity;
    private final int entries;
    private final long warmup;
    private final AtomicLong wins = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean evaluating;
    /** The file's identity at the last poll, and that of the model loaded, won or refused (null: none). */
    private String seen;
    private String settled;
    private ChallengerShadow shadow;
    /** The challenger's loop; closing it closes its runtime and so its own store. */
    private NextAccessLoop loop;

    /**
     * @param file     the challenger's path, watched (it need not exist)
     * @param served   the served model's file, replaced on a win
     * @param contract what a challenger must keep: the served model's schema, K, candidates, admission
     * @param capacity the shadows' capacity (the cache's, scaled by the sampling rate)
     * @param entries  the shadows' most entries (scaled)
     * @param warmup   sampled requests a new challenger's miniature takes before it is paired
     */
    SidecarChallenger(Path file, Path served, EvictionModel contract, long capacity, int entries, long warmup) {
        this.file = Objects.requireNonNull(file, "file");
        this.served = Objects.requireNonNull(served, "served");
        this.contract = Objects.requireNonNull(contract, "contract");
        this.capacity = capacity;
        this.entries = entries;
        this.warmup = warmup;
    }

    /**
     * After each poll of the access log: loads a new, settled challenger file; with
     * {@code liveChanged} (the served model was reloaded), an evaluation in progress starts over,
     * since its evidence was about the model that served before.
     */
    void polled(boolean liveChanged) {
        String id = identity();
        if (id == null) {
            if (shadow != null) {
                SidecarLog.info("challenger %s removed: its evaluation stops", file);
                drop();
            }
            seen = null;
            return;
        }
        if (!id.equals(seen)) {
            seen = id;            // changed: wait one poll for it to settle
            return;
        }
        if (id.equals(settled)) {
            if (liveChanged && shadow != null) {
                shadow.close();
                shadow = newShadow();
                SidecarLog.info("challenger %s: the served model changed, its evaluation starts over", file);
            }
            return;
        }
        settled = id;
        load();
    }

    /** One sampled request the live cache served; {@code tick} is the floor's request count. */
    void request(long fingerprint, long weight, boolean liveHit, long tick) {
        if (shadow != null && shadow.request(fingerprint, weight, liveHit, tick)) {
            win();
        }
    }

    private void load() {
        drop();
        try {
            EvictionModel offered = EvictionModel.of(OnnxModel.read(file).metadata(), file);
            if (!offered.equals(contract)) {
                refuse("it does not keep the served model's contract " + contract + ": it has " + offered);
                return;
            }
            PolicyStore s = PolicyStore.create(NextAccessLoop.policyLoader(), List.of());
            SwapResult r = s.offer(file);
            if (!r.accepted()) {
                s.close();
                refuse(r.reason());
                return;
            }
            try {
                loop = NextAccessLoop.builder().k(contract.k()).admission(contract.admission()).store(s).noDeadline()
                        .loopName("challenger").build();
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            shadow = newShadow();
            evaluating = true;
            SidecarLog.info("challenger %s (%s) under shadow evaluation on the floor's sampled keys", file,
                    r.version().label());
        } catch (RuntimeException e) {
            refuse(e.getMessage());
        }
    }

    private ChallengerShadow newShadow() {
        return new ChallengerShadow(loop, contract.candidates(), capacity, entries, LruFloor.DEFAULT_GHOSTS_PER_RESIDENT,
                warmup, LruFloor.DEFAULT_Z, (at, lead, discordant) -> SidecarLog.info("challenger %s leads the live "
                        + "cache by %,d hits over %,d discordant sampled requests (%,d paired)", file, lead, discordant, at));
    }

    private void win() {
        try {
            ModelFiles.writeAtomically(served, Files.readAllBytes(file), OnnxModelWriter.DEFAULT_PERMISSIONS);
            wins.incrementAndGet();
            SidecarLog.info("challenger %s won: it replaced %s, which the sidecar reloads", file, served);
        } catch (IOException e) {
            SidecarLog.warn("challenger %s won but could not replace %s: %s; the served model stays", file, served, e);
        }
        drop();
    }

    private void refuse(String why) {
        refused.incrementAndGet();
        SidecarLog.warn("challenger %s refused: %s", file, why);
    }

    private void drop() {
        evaluating = false;
        if (shadow != null) {
            shadow.close();
            shadow = null;
        }
        if (loop != null) {
            loop.close();
            loop = null;
        }
    }

    /** Size, modification time and file key; null when the file is not there. */
    private String identity() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + "/" + a.lastModifiedTime().toMillis() + "/" + a.fileKey();
        } catch (IOException e) {
            return null;    // gone (or unreadable for now): as if not there, looked at again next poll
        }
    }

    /** Challengers that won and replaced the served file; any thread. */
    long wins() {
        return wins.get();
    }

    /** Challenger files refused (did not load, or another contract); any thread. */
    long refused() {
        return refused.get();
    }

    /** Whether a challenger is under evaluation; any thread. */
    boolean evaluating() {
        return evaluating;
    }

    @Override
    public void close() {
        drop();
    }
}
