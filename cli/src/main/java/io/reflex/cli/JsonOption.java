package io.reflex.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --json} switch of every command that prints a table by default: mix it in with
 * {@code @Mixin JsonOption json;} and test {@link #enabled()}.
 */
final class JsonOption {

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    /** Whether {@code --json} was given. */
    boolean enabled() {
        return json;
    }
}
