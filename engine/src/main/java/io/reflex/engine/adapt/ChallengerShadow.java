package io.reflex.engine.adapt;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.NextAccessLoop;

import java.util.Objects;

/**
 * Shadow evaluation of a challenger eviction model: its miniature ({@link MiniatureNextAccess} over
 * the challenger's own loop) runs on the sampled keys beside the live cache and never acts; each
 * sampled request pairs the miniature's outcome with the live cache's (the incumbent serving), and
 * a {@link ChallengerSwitch} that starts on the incumbent says when the challenger wins with
 * confidence: its lead over the window exceeds {@code z·√N} (the lower bound of its lead is above
 * zero). The host then swaps the challenger in; this shadow's work is done.
 *
 * <p>The miniature starts empty while the live cache is warm, so its first {@code warmup} sampled
 * requests are not paired (the pairing would favour the incumbent for a reason that is not the
 * policy). A challenger that never wins is never promoted: there is no timeout that lets it in.
 *
 * <p>Deterministic (request counts, never the clock); not thread-safe (the host calls it where its
 * requests are ordered); allocation-free per request.
 */
public final class ChallengerShadow implements AutoCloseable {

    /** Hears the challenger's win, on the thread that made the request that decided it. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param atSample   sampled requests paired so far
         * @param lead       the challenger's hits minus the live cache's over the switch's window
         * @param discordant sampled requests in the window only one of them hit
         */
        void won(long atSample, long lead, long discordant);
    }

    private final MiniatureNextAccess miniature;
    private final ChallengerSwitch rule;
    private final long warmup;
    private final Listener listener;
    private final HitCount live = new HitCount();
    private final HitCount challengerPaired = new HitCount();
    private long seen;
    private boolean won;

    /**
     * @param challenger the loop serving the challenger's model (its miniature takes a decider of its own)
     * @param candidates the challenger's candidate set
     * @param capacity   the live cache's capacity scaled by the sampling rate
     * @param maxEntries the live cache's most entries scaled by the sampling rate
     * @param ghosts     ghost histories per resident in the miniature
     * @param warmup     sampled requests the miniature takes before its outcomes count, at least 0
     * @param z          the switch's z (the host's floor uses {@link LruFloor#DEFAULT_Z})
     */
    public ChallengerShadow(NextAccessLoop challenger, EvictionModel.Candidates candidates, long capacity, int maxEntries,
                            int ghosts, long warmup, double z, Listener listener) {
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0 sampled requests, got " + warmup);
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        this.warmup = warmup;
        this.rule = ChallengerSwitch.builder().z(z).initial(ChallengerSwitch.Arm.BASELINE).build();
        this.miniature = new MiniatureNextAccess(Objects.requireNonNull(challenger, "challenger"), candidates, capacity,
                maxEntries, ghosts);
    }

    /**
     * One sampled request of the live cache, after it was served.
     *
     * @param tick the request's position in the full stream (the miniature's clock)
     * @return whether the challenger won with this request
     */
    public boolean request(long fingerprint, long weight, boolean liveHit, long tick) {
        if (won) {
            return false;
        }
        boolean challengerHit = miniature.access(fingerprint, weight, tick);
        if (++seen <= warmup) {
            return false;
        }
        live.record(liveHit);
        challengerPaired.record(challengerHit);
        rule.record(challengerHit, liveHit);
        if (rule.serving() == ChallengerSwitch.Arm.CHALLENGER) {
            won = true;
            listener.won(rule.samples(), rule.windowLead(), rule.windowDiscordant());
            return true;
        }
        return false;
    }

    /** Whether the challenger has won (it is then fed nothing more). */
    public boolean won() {
        return won;
    }

    /** Sampled requests seen, the warm-up's included. */
    public long sampled() {
        return seen;
    }

    /** The challenger's hits on the paired requests (after the warm-up). */
    public HitCount challengerHits() {
        return challengerPaired;
    }

    /** The live cache's hits on the paired requests. */
    public HitCount liveHits() {
        return live;
    }

    /** The challenger's lead over the switch's window (its hits minus the live cache's). */
    public long lead() {
        return rule.windowLead();
    }

    @Override
    public void close() {
        miniature.close();
    }
}
