package io.reflex.cli;

import io.reflex.trainer.ope.OpeSettings;
import picocli.CommandLine.Option;

/**
 * The estimator options every off-policy command shares ({@code ope benchmark}, {@code ope evaluate},
 * {@code promote}), with one set of defaults: mix in with {@code @Mixin IntervalOptions intervals;}.
 */
final class IntervalOptions {

    @Option(names = "--resamples", paramLabel = "B",
            description = "Bootstrap resamples (default ${DEFAULT-VALUE}; at 200 the 2.5%% and 97.5%% quantiles rest on "
                    + "~5 resamples each, and their noise costs coverage).")
    int resamples = 1_000;

    @Option(names = "--level", paramLabel = "L", description = "Interval confidence level (default ${DEFAULT-VALUE}).")
    double level = OpeSettings.DEFAULTS.level();

    @Option(names = "--switch-tau", paramLabel = "T", description = "Switch-DR's weight threshold (default ${DEFAULT-VALUE}).")
    double switchTau = OpeSettings.DEFAULTS.switchTau();

    /** The estimators' settings with these options, {@code seed} for the bootstrap and discount {@code gamma}. */
    OpeSettings settings(long seed, double gamma) {
        return new OpeSettings(resamples, level, seed, switchTau, OpeSettings.DEFAULTS.ridge(), gamma);
    }
}
