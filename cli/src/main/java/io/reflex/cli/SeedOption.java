package io.reflex.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --seed} option, one name and one default for every command that draws anything at
 * random: mix it in with {@code @Mixin SeedOption seed;} and read {@link #value()}. What a seed
 * drives is the command's own business (its description says); the promise is the same
 * everywhere: the same seed gives the same numbers.
 */
final class SeedOption {

    /** The default seed of every command. */
    static final String DEFAULT = "1";

    @Option(names = "--seed", defaultValue = DEFAULT, paramLabel = "S",
            description = "Seed of every random draw of this command (default ${DEFAULT-VALUE}); the same seed gives the same numbers.")
    long seed;

    /** The seed given, or {@link #DEFAULT}. */
    long value() {
        return seed;
    }
}
