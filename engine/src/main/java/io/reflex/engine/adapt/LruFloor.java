package io.reflex.engine.adapt;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.NextAccessLoop;

import java.util.Objects;

/**
 * Keeps a learned eviction policy from serving below the classical rule it replaces, LRU unless
 * the host names another: a shadow of that rule over SHARDS-sampled keys ({@link SpatialSampler};
 * {@link MiniatureLru}, or the host's {@link ShadowCache}, such as the Caffeine adapter's
 * W-TinyLFU) runs beside the live cache, and on each sampled request the live cache's outcome (the
 * learned policy serving) is paired with the shadow's; a {@link ChallengerSwitch} demotes the
 * learned policy when it loses with confidence, and the host then evicts by its classical rule.
 *
 * <p>While the host evicts by its classical rule the live cache says nothing about the learned
 * policy, so a demoted policy comes back on the evidence of its miniature
 * ({@link MiniatureNextAccess}) on the same sampled keys: while demoted, its outcome is paired with
 * the live cache's and the switch promotes the policy when it wins with confidence. The switch's
 * hysteresis keeps a policy that neither wins nor loses from flapping. The miniature runs always
 * ({@link #withLearnedShadow}), so it is warm when needed, at the cost of a model decision per
 * eviction of its own, about {@code rate} of the live cache's; or only while the policy is demoted
 * ({@link #withLearnedShadowWhileDemoted}): no model decision while it serves, and promotion a
 * warm-up later. (A first version promoted on trust, after a doubling probation; it cost more hit
 * ratio on the development suite, docs/learned-eviction.md.)
 *
 * <p>Deterministic: request counts, never the clock; the same requests give the same switches.
 * Not thread-safe (call it where the host's requests are ordered, as their ticks are);
 * allocation-free per request after construction. The miniature's ticks are this floor's request
 * count, the full stream's as the live cache's history counts them.
 */
public final class LruFloor implements AutoCloseable {

    /** Hears every switch, on the thread that made the request which caused it. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param learnedServes whether the learned policy serves from now on (false: demoted)
         * @param atRequest     the requests this floor has seen, the one causing the switch included
         */
        void switched(boolean learnedServes, long atRequest);
    }

    private static final Listener NONE = (learnedServes, atRequest) -> { };

    private final SpatialSampler sampler;
    /** Whether the learned miniature runs while the learned policy serves too (else only while demoted). */
    private final boolean learnedAlways;
    /** Sampled requests a resumed miniature takes before its outcomes count (0 when it always runs). */
    private final long warmup;
    /** Sampled requests the miniature has taken since it last resumed. */
    private long learnedSinceResume;
    private final ShadowCache shadow;
    /** The shadows' capacity and most entries: the live cache's, scaled by the sampling rate. */
    private final long shadowCapacity;
    private final int shadowEntries;
    private final Listener listener;
    private final MiniatureNextAccess learnedShadow;
    private final ChallengerSwitch rule;
    private long requests;
    private long demotions;
    private long promotions;
    private final HitCount baseline = new HitCount();

    /**
     * The most entries a host's shadows hold by default: the sampling rate is this over the cache's
     * entries ({@link #defaultRate}), so a shadow costs the same whatever the cache's size.
     */
    public static final int DEFAULT_SHADOW_ENTRIES = 4_096;

    /**
     * The switch's z for a host's floor: 4, not the switch's default 3. On the development suite's
     * orm-busy, orm-night and w106 traces, z = 3 with promotion on trust (a probation of four
     * windows) demoted models that win overall during phases where they lost (w106 at 2,800 entries
     * fell 2.1 points); with promotion on evidence, z = 3 and z = 5 moved the suite's mean by less
     * than 0.0001 either way.
     */
    public static final double DEFAULT_Z = 4;

    /**
     * Sampled requests a host's resumed (or new) miniature takes before its outcomes are paired, in
     * the miniature's entries: one pass to fill it, a second for its residents' histories to hold
     * reuses, not just admissions. The Caffeine adapter's and the sidecar's value, for the learned
     * policy's miniature and for a challenger's.
     */
    public static final int DEFAULT_WARMUP_PASSES = 2;

    /** Ghost histories per resident in the learned policy's miniature, by default. */
    public static final int DEFAULT_GHOSTS_PER_RESIDENT = 4;

    /** The default sampling rate for a cache of at most {@code entries} entries: all keys up to {@value #DEFAULT_SHADOW_ENTRIES}. */
    public static double defaultRate(long entries) {
        return Math.min(1, DEFAULT_SHADOW_ENTRIES / (double) Math.max(1, entries));
    }

    /**
     * A floor whose demoted policy is promoted again when its miniature, on the sampled keys, beats
     * the live cache's LRU with confidence.
     *
     * @param rate              the fraction of keys the shadows see
     * @param capacity          the live cache's capacity (entries, or bytes with weights)
     * @param maxEntries        the most entries the live cache holds at once
     * @param rule              the switch (its listener hears demotions and promotions)
     * @param loop              the loop serving the learned policy (its miniature takes a decider)
     * @param candidates        the model's candidate set
     * @param ghostsPerResident histories the miniature keeps per resident for keys it evicted
     */
    public static LruFloor withLearnedShadow(double rate, long capacity, long maxEntries, ChallengerSwitch rule,
                                             NextAccessLoop loop, EvictionModel.Candidates candidates,
                                             int ghostsPerResident) {
        return withLearnedShadow(rate, capacity, maxEntries, MiniatureLru::new, rule, loop, candidates,
                ghostsPerResident, NONE);
    }

    /**
     * As {@link #withLearnedShadow(double, long, long, ChallengerSwitch, NextAccessLoop,
     * EvictionModel.Candidates, int)}, with the host's classical rule in place of LRU and a listener.
     *
     * @param baseline makes the classical rule's shadow, given the capacity and entries scaled by
     *                 {@code rate}
     * @param listener hears each demotion and promotion
     */
    public static LruFloor withLearnedShadow(double rate, long capacity, long maxEntries,
                                             ShadowCache.Factory baseline, ChallengerSwitch rule,
                                             NextAccessLoop loop, EvictionModel.Candidates candidates,
                                             int ghostsPerResident, Listener listener) {
        return new LruFloor(new SpatialSampler(rate), true, 0, capacity, maxEntries, baseline, rule, loop, candidates,
                ghostsPerResident, listener);
    }

    /**
     * As {@link #withLearnedShadow(double, long, long, ShadowCache.Factory, ChallengerSwitch,
     * NextAccessLoop, EvictionModel.Candidates, int, Listener)}, with the learned policy's miniature
     * run only while the policy is demoted, when its evidence is needed: while the policy serves,
     * the floor makes no model decision at all (the miniature's decisions, about {@code rate} of
     * the live cache's, are the floor's largest cost on writes). Demoted, the live cache makes no
     * model decision either, so the miniature's cost less. A resumed miniature is cold (empty at
     * the first demotion, its residents' histories stale after a promotion), so its first
     * {@code warmup} sampled requests are not paired: promotion comes that many sampled requests
     * later than with a miniature that always runs. A host's option; the simulator's floor runs
     * it always.
     *
     * @param warmup sampled requests a resumed miniature takes before its outcomes count, at least 0
     * @throws IllegalArgumentException if {@code warmup < 0}
     */
    public static LruFloor withLearnedShadowWhileDemoted(double rate, long capacity, long maxEntries,
                                                         ShadowCache.Factory baseline, ChallengerSwitch rule,
                                                         NextAccessLoop loop, EvictionModel.Candidates candidates,
                                                         int ghostsPerResident, long warmup, Listener listener) {
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0 sampled requests, got " + warmup);
        }
        return new LruFloor(new SpatialSampler(rate), false, warmup, capacity, maxEntries, baseline, rule, loop,
                candidates, ghostsPerResident, listener);
    }

    private LruFloor(SpatialSampler sampler, boolean learnedAlways, long warmup, long capacity, long maxEntries,
                     ShadowCache.Factory baseline, ChallengerSwitch rule, NextAccessLoop loop,
                     EvictionModel.Candidates candidates, int ghostsPerResident, Listener listener) {
        this.sampler = sampler;
        this.learnedAlways = learnedAlways;
        this.warmup = warmup;
        long entries = sampler.scale(maxEntries);
        if (entries > 1 << 28) {
            throw new IllegalArgumentException("a shadow of " + entries + " entries is more than 2^28");
        }
        this.shadowCapacity = sampler.scale(capacity);
        this.shadowEntries = (int) entries;
        this.shadow = Objects.requireNonNull(baseline.create(shadowCapacity, shadowEntries), "baseline shadow");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.learnedShadow = new MiniatureNextAccess(Objects.requireNonNull(loop, "loop"), candidates,
                sampler.scale(capacity), (int) entries, ghostsPerResident);
    }

    /**
     * One request of the live cache, after it was served: the key's fingerprint, its weight (1
     * under a capacity in entries) and whether it hit.
     */
    public void request(long fingerprint, long weight, boolean liveHit) {
        count();
        if (sampler.sampled(fingerprint)) {
            sampledRequest(fingerprint, weight, liveHit);
        }
    }

    /**
     * Whether the shadows see requests for the key with this fingerprint: a host may decide it
     * once, when it admits the key, and report the key's later requests by {@link #requestSampled}
     * or {@link #requestUnsampled} without the fingerprint (whose lookup and hash are then all an
     * unsampled request would have cost).
     */
    public boolean sampled(long fingerprint) {
        return sampler.sampled(fingerprint);
    }

    /** As {@link #request}, for a key {@link #sampled} said is sampled. */
    public void requestSampled(long fingerprint, long weight, boolean liveHit) {
        count();
        sampledRequest(fingerprint, weight, liveHit);
    }

    /**
     * As {@link #requestSampled(long, long, boolean)}, for a host that counts the requests the
     * shadows do not see itself and hands on only the sampled ones (off the thread that served
     * them, say): {@code atRequest} is this request's index in the full stream, from 1.
     *
     * @throws IllegalArgumentException if {@code atRequest} is not past every request seen so far
     */
    public void requestSampled(long fingerprint, long weight, boolean liveHit, long atRequest) {
        if (atRequest <= requests) {
            throw new IllegalArgumentException("request " + atRequest + " is not past the " + requests + " seen");
        }
        requests = atRequest;
        sampledRequest(fingerprint, weight, liveHit);
    }

    /** As {@link #request}, for a key {@link #sampled} said is not sampled: counted, nothing more. */
    public void requestUnsampled() {
        count();
    }

    private void count() {
        requests++;
    }

    private void sampledRequest(long fingerprint, long weight, boolean liveHit) {
        boolean shadowHit = baseline.record(shadow.access(fingerprint, weight));
        boolean learnedRuns = learnedAlways || rule.serving() == ChallengerSwitch.Arm.BASELINE;
        boolean learnedHit = learnedRuns && learnedShadow.access(fingerprint, weight, requests);
        if (rule.serving() == ChallengerSwitch.Arm.CHALLENGER) {
            rule.record(liveHit, shadowHit);
            if (rule.serving() == ChallengerSwitch.Arm.BASELINE) {
                demotions++;
                learnedSinceResume = 0;
                listener.switched(false, requests);
            }
        } else if (learnedRuns && (learnedAlways || ++learnedSinceResume > warmup)) {
            rule.record(learnedHit, liveHit);
            if (rule.serving() == ChallengerSwitch.Arm.CHALLENGER) {
                promotions++;
                listener.switched(true, requests);
            }
        }
    }

    /** Which keys the shadows see (immutable: any thread may ask it). */
    public SpatialSampler sampler() {
        return sampler;
    }

    /** Whether the learned policy should make the next eviction (else LRU). */
    public boolean learnedServes() {
        return rule.serving() == ChallengerSwitch.Arm.CHALLENGER;
    }

    /** Demotions so far. */
    public long demotions() {
        return demotions;
    }

    /** Promotions of a demoted policy on its miniature's evidence so far. */
    public long promotions() {
        return promotions;
    }

    /** The shadows' capacity: the live cache's scaled by the sampling rate (a challenger's miniature gets the same). */
    public long shadowCapacity() {
        return shadowCapacity;
    }

    /** The shadows' most entries: the live cache's scaled by the sampling rate. */
    public int shadowEntries() {
        return shadowEntries;
    }

    /** The classical rule's shadow. */
    public ShadowCache shadow() {
        return shadow;
    }

    /** Requests seen, sampled or not. */
    public long requests() {
        return requests;
    }

    /** The requests the shadows saw (the sampled ones), and the classical rule's hits among them. */
    public HitCount baselineHits() {
        return baseline;
    }

    /** The learned policy's miniature. */
    public MiniatureNextAccess learnedShadow() {
        return learnedShadow;
    }

    /** Closes the learned policy's miniature. */
    @Override
    public void close() {
        learnedShadow.close();
    }
}
