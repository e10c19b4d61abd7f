package io.reflex.trainer.ope;

/**
 * The knobs of an off-policy evaluation, validated. Immutable and thread-safe.
 *
 * @param resamples bootstrap resamples
 * @param level     confidence level of the intervals, in (0, 1)
 * @param seed      seed of the bootstrap
 * @param switchTau Switch-DR's weight threshold
 * @param ridge     ridge penalty of the reward model and of FQE's regressions
 * @param gamma     discount for sequences, in [0, 1]
 */
public record OpeSettings(int resamples, double level, long seed, double switchTau, double ridge, double gamma) {

    /** 200 resamples, 95% intervals, seed 1, τ = 10, ridge 1, undiscounted. */
    public static final OpeSettings DEFAULTS = new OpeSettings(200, 0.95, 1, 10, 1, 1);

    public OpeSettings {
        new BootstrapInterval(resamples, level, seed);   // validates resamples and level
        if (!(switchTau > 0)) {
            throw new IllegalArgumentException("switch-dr threshold must be > 0, got " + switchTau);
        }
        if (!(ridge >= 0)) {
            throw new IllegalArgumentException("ridge penalty must be >= 0, got " + ridge);
        }
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("discount must be in [0, 1], got " + gamma);
        }
    }

    public OpeSettings withSeed(long seed) {
        return new OpeSettings(resamples, level, seed, switchTau, ridge, gamma);
    }

    BootstrapInterval bootstrap() {
        return new BootstrapInterval(resamples, level, seed);
    }
}
