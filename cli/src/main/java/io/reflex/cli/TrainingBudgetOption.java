package io.reflex.cli;

import io.reflex.trainer.rl.NextAccessTraining;
import picocli.CommandLine.Option;

/**
 * {@code --rounds} and {@code --steps} of the commands that train next-access models on their own
 * ({@code adapt}, {@code adapt demo}): the rest of the training is {@code train eviction}'s defaults.
 */
final class TrainingBudgetOption {

    @Option(names = "--rounds", paramLabel = "N", description = "Training's replay-and-fit rounds (default: train eviction's).")
    Integer rounds;

    @Option(names = "--steps", paramLabel = "N", description = "Training's Adam steps per fit (default: train eviction's).")
    Integer steps;

    /**
     * {@code train eviction}'s defaults for {@code seed}, with the rounds and steps given.
     *
     * @throws IllegalArgumentException naming a value out of range
     */
    NextAccessTraining.Settings settings(long seed) {
        NextAccessTraining.Settings d = NextAccessTraining.Settings.defaults(seed);
        return new NextAccessTraining.Settings(d.k(), d.candidates(), d.admission(), rounds == null ? d.rounds() : rounds,
                d.selectRound(), d.decisionsPerReplay(), d.hidden(), steps == null ? d.steps() : steps, d.batch(),
                d.learningRate(), d.seed());
    }
}
