package io.reflex.engine.adapt;

import java.util.Objects;

/**
 * Keeps a learned eviction policy from serving below LRU, the rule it replaces: an LRU shadow over
 * SHARDS-sampled keys ({@link SpatialSampler}, {@link MiniatureLru}) runs beside the live cache,
 * and on each sampled request the live cache's outcome (the learned policy serving) is paired with
 * the shadow's; a {@link ChallengerSwitch} demotes the learned policy when it loses with
 * confidence, and the host then evicts by LRU. A demoted policy serves again on trial after a
 * probation of {@code probation} requests, doubled after each demotion up to
 * {@code maxProbation}, with its evidence reset: while the host evicts by LRU the live cache says
 * nothing about the learned policy, so a trial is how it gets the chance to show it wins again.
 *
 * <p>Deterministic: request counts, never the clock; the same requests give the same switches.
 * Not thread-safe (call it where the host's requests are ordered, as their ticks are);
 * allocation-free per request after construction.
 */
public final class LruFloor {

    private final SpatialSampler sampler;
    private final MiniatureLru shadow;
    private final ChallengerSwitch rule;
    private final long maxProbation;
    private long probation;
    private long requests;
    private long trialAt = -1;
    private long demotions;
    private long trials;

    /**
     * @param rate         the fraction of keys the shadow sees (its capacity and entries scaled by it)
     * @param capacity     the live cache's capacity (entries, or bytes with weights)
     * @param maxEntries   the most entries the live cache holds at once
     * @param rule         the switch (its listener hears demotions and trials as switches)
     * @param probation    requests a demoted policy waits before its first trial
     * @param maxProbation the longest wait, after repeated demotions
     */
    public LruFloor(double rate, long capacity, long maxEntries, ChallengerSwitch rule, long probation,
                    long maxProbation) {
        this.sampler = new SpatialSampler(rate);
        long entries = sampler.scale(maxEntries);
        if (entries > 1 << 28) {
            throw new IllegalArgumentException("a shadow of " + entries + " entries is more than 2^28");
        }
        this.shadow = new MiniatureLru(sampler.scale(capacity), (int) entries);
        this.rule = Objects.requireNonNull(rule, "rule");
        if (probation < 1 || maxProbation < probation) {
            throw new IllegalArgumentException("probation must be >= 1 and at most the max, got " + probation
                    + " and " + maxProbation);
        }
        this.maxProbation = maxProbation;
        this.probation = probation;
    }

    /**
     * One request of the live cache, after it was served: the key's fingerprint, its weight (1
     * under a capacity in entries) and whether it hit.
     */
    public void request(long fingerprint, long weight, boolean liveHit) {
        requests++;
        if (rule.serving() == ChallengerSwitch.Arm.BASELINE) {
            if (requests >= trialAt) {
                trials++;
                rule.reset(ChallengerSwitch.Arm.CHALLENGER);
            }
        }
        if (!sampler.sampled(fingerprint)) {
            return;
        }
        boolean shadowHit = shadow.access(fingerprint, weight);
        if (rule.serving() == ChallengerSwitch.Arm.CHALLENGER) {
            rule.record(liveHit, shadowHit);
            if (rule.serving() == ChallengerSwitch.Arm.BASELINE) {
                demotions++;
                trialAt = requests + probation;
                probation = Math.min(maxProbation, 2 * probation);
            }
        }
    }

    /** Whether the learned policy should make the next eviction (else LRU). */
    public boolean learnedServes() {
        return rule.serving() == ChallengerSwitch.Arm.CHALLENGER;
    }

    /** Demotions so far. */
    public long demotions() {
        return demotions;
    }

    /** Trials of a demoted policy so far. */
    public long trials() {
        return trials;
    }

    /** The shadow LRU (its hit ratio on the sampled requests, for reports). */
    public MiniatureLru shadow() {
        return shadow;
    }

    /** The probation the next demotion will impose, in requests. */
    public long nextProbation() {
        return probation;
    }
}
