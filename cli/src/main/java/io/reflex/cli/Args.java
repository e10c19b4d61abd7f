package io.reflex.cli;

import picocli.CommandLine;

/** Argument checks that fail as picocli usage errors, in the spirit of Caffeine's {@code requireArgument}. */
final class Args {

    private Args() {}

    /**
     * Throws a {@link CommandLine.ParameterException} on {@code cli} unless {@code ok}. The message is
     * {@code messageFormat} as is when no {@code args} are given, else {@code String.format(messageFormat, args)}.
     */
    static void require(CommandLine cli, boolean ok, String messageFormat, Object... args) {
        if (!ok) {
            throw new CommandLine.ParameterException(cli,
                    args.length == 0 ? messageFormat : String.format(messageFormat, args));
        }
    }
}
