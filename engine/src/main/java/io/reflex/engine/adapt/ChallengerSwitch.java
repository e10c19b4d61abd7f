package io.reflex.engine.adapt;

import java.util.Objects;

/**
 * Which of two arms should serve, a learned challenger or its classical baseline, decided from
 * paired outcomes on the same requests (each sampled request: did the challenger hit, did the
 * baseline hit), as a baseline-challenger rule (Vowpal Wabbit's {@code --baseline_challenger_cb})
 * with a paired test in place of its confidence bounds.
 *
 * <h2>The rule</h2>
 * Outcomes are summed in blocks of {@code block} samples; the last {@code window} blocks form the
 * evidence: the challenger's lead {@code S} (its hits minus the baseline's) and the discordant
 * samples {@code N} (one arm hit, the other did not). Without a difference, {@code S} is a sum of
 * {@code N} fair ±1 signs (McNemar's test), so {@code |S| > z·√N} is evidence at the level {@code z}
 * sets (z = 3: about 0.13% per side per check). At each block's end, with at least
 * {@code minDiscordant} discordant samples in the window:
 * <ul>
 *   <li>serving the challenger, {@code S < −z·√N} switches to the baseline (demotion);</li>
 *   <li>serving the baseline, {@code S > z·√N} switches back (promotion).</li>
 * </ul>
 * The two thresholds are a hysteresis: with arms of equal worth, a switch needs a deviation of z
 * standard deviations, and the next one a deviation of 2z the other way.
 *
 * <h2>Bounds</h2>
 * A challenger that starts losing by {@code δ} per sample, with a fraction {@code p} of discordant
 * samples, is demoted by the first block end at which the post-change samples {@code n} in the
 * window satisfy {@code δ·n − L ≥ z·√(p·W)}, where {@code L} is the lead the pre-change samples
 * still in the window carry and {@code W} the window's samples; once the window holds only
 * post-change samples that is {@code δ·W ≥ z·√(p·W)}, so any loss of at least {@code z·√(p / W)} is
 * demoted within {@code W + block} samples of the change.
 *
 * <p>Deterministic: it counts samples, never time. Not thread-safe (the host records from one
 * thread, or under its own lock); allocation-free after construction. The listener runs on the
 * recording thread, at most once per block.
 */
public final class ChallengerSwitch {

    /** The two arms. */
    public enum Arm { CHALLENGER, BASELINE }

    /** Hears every switch. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param serving  the arm serving from now on
         * @param atSample the samples recorded so far
         * @param lead     the challenger's lead over the window ({@code S})
         * @param bound    the bound it crossed ({@code z·√N})
         */
        void switched(Arm serving, long atSample, long lead, double bound);
    }

    private final int block;
    private final double z;
    private final int minDiscordant;
    private final Listener listener;
    private final long[] blockLead;
    private final long[] blockDiscordant;
    private int blocks;
    private int next;
    private long inBlock;
    private long lead;
    private long discordant;
    private long windowLead;
    private long windowDiscordant;
    private long samples;
    private long switches;
    private Arm serving;

    private ChallengerSwitch(Builder b) {
        this.block = b.block;
        this.z = b.z;
        this.minDiscordant = b.minDiscordant;
        this.listener = b.listener;
        this.blockLead = new long[b.window];
        this.blockDiscordant = new long[b.window];
        this.serving = b.initial;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One sampled request's outcome under each arm. */
    public void record(boolean challengerHit, boolean baselineHit) {
        samples++;
        if (challengerHit != baselineHit) {
            lead += challengerHit ? 1 : -1;
            discordant++;
        }
        if (++inBlock == block) {
            closeBlock();
        }
    }

    private void closeBlock() {
        if (blocks == blockLead.length) {
            windowLead -= blockLead[next];
            windowDiscordant -= blockDiscordant[next];
        } else {
            blocks++;
        }
        blockLead[next] = lead;
        blockDiscordant[next] = discordant;
        windowLead += lead;
        windowDiscordant += discordant;
        next = (next + 1) % blockLead.length;
        inBlock = 0;
        lead = 0;
        discordant = 0;
        if (windowDiscordant < minDiscordant) {
            return;
        }
        double bound = z * Math.sqrt(windowDiscordant);
        Arm to = serving == Arm.CHALLENGER && windowLead < -bound ? Arm.BASELINE
                : serving == Arm.BASELINE && windowLead > bound ? Arm.CHALLENGER : serving;
        if (to != serving) {
            serving = to;
            switches++;
            if (listener != null) {
                listener.switched(to, samples, windowLead, bound);
            }
        }
    }

    /**
     * Forgets the evidence (the window and the open block) and serves {@code arm}: for a host that
     * changes what an arm is, such as starting a trial of a demoted challenger, whose old losses
     * should not count against it. Counts of samples and switches are kept.
     */
    public void reset(Arm arm) {
        serving = Objects.requireNonNull(arm, "arm");
        java.util.Arrays.fill(blockLead, 0);
        java.util.Arrays.fill(blockDiscordant, 0);
        blocks = 0;
        next = 0;
        inBlock = 0;
        lead = 0;
        discordant = 0;
        windowLead = 0;
        windowDiscordant = 0;
    }

    /** The arm that should serve now. */
    public Arm serving() {
        return serving;
    }

    /** Samples recorded. */
    public long samples() {
        return samples;
    }

    /** Switches made, both ways. */
    public long switches() {
        return switches;
    }

    /** The challenger's lead over the closed blocks of the window. */
    public long windowLead() {
        return windowLead;
    }

    /** Discordant samples over the closed blocks of the window. */
    public long windowDiscordant() {
        return windowDiscordant;
    }

    /** Validated settings. */
    public static final class Builder {
        private int block = 1_024;
        private int window = 16;
        private double z = 3;
        private int minDiscordant = 64;
        private Arm initial = Arm.CHALLENGER;
        private Listener listener;

        private Builder() {
        }

        /** Samples per block, the granularity of decisions (default 1,024). */
        public Builder block(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("block must be >= 1 sample, got " + samples);
            }
            this.block = samples;
            return this;
        }

        /** Blocks of evidence kept (default 16: a window of 16,384 samples with the default block). */
        public Builder window(int blocks) {
            if (blocks < 1 || blocks > 1 << 16) {
                throw new IllegalArgumentException("window must be in [1, 65536] blocks, got " + blocks);
            }
            this.window = blocks;
            return this;
        }

        /** Standard deviations a lead must exceed to switch (default 3). */
        public Builder z(double z) {
            if (!(z > 0 && z <= 10)) {
                throw new IllegalArgumentException("z must be in (0, 10], got " + z);
            }
            this.z = z;
            return this;
        }

        /** Discordant samples the window needs before any switch (default 64). */
        public Builder minDiscordant(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("min discordant must be >= 1, got " + samples);
            }
            this.minDiscordant = samples;
            return this;
        }

        /** The arm serving at the start (default the challenger). */
        public Builder initial(Arm arm) {
            this.initial = Objects.requireNonNull(arm, "arm");
            return this;
        }

        /** Called on every switch (default none). */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public ChallengerSwitch build() {
            return new ChallengerSwitch(this);
        }
    }
}
