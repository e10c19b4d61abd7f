package io.reflex.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --json} switch of the commands that print text rather than a table by default:
 * the same option as {@link JsonOption}, only its help line differs.
 */
final class JsonTextOption {

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /** Whether {@code --json} was given. */
    boolean enabled() {
        return json;
    }
}
