package io.reflex.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code ./reflex} command line: the root command and its error policy. Every subcommand prints
 * a table by default and one JSON object on stdout with {@code --json}; logs and progress go to
 * stderr; a bad flag, a missing file or malformed input exits non-zero with one line naming it.
 */
@Command(name = "reflex", mixinStandardHelpOptions = true, version = "reflex 0.1.0",
        description = "Learned policies in microsecond decision loops.",
        subcommands = {BenchCommand.class, ModelCommand.class, LogCommand.class, SimulateCommand.class, WorkloadCommand.class,
                TrainCommand.class, EvaluateCommand.class, QuickstartCommand.class, MatchingCommand.class, RecommendCommand.class,
                OpeCommand.class, PromoteCommand.class, SidecarCommand.class, EvictionCommand.class, AdaptCommand.class})
public final class ReflexCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try ./reflex --help)");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return io.reflex.trainer.cli.CommandLines.execute(new ReflexCommand(), args, out, err);
    }
}
