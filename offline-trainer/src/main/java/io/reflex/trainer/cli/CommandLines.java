package io.reflex.trainer.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * How every {@code ./reflex} entry point runs its picocli tree (the command-line jar's and the
 * Spark jar's): the given streams, a usage error as one line naming the command and its
 * {@code --help} (exit 2), a failure as one line {@code reflex: message} (exit 1). Written once so
 * that both jars answer alike. Stateless.
 */
public final class CommandLines {

    private CommandLines() {
    }

    /**
     * Runs {@code root} (a picocli command) on {@code args}.
     *
     * @return the exit code
     */
    public static int execute(Object root, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            // One line, as the contract asks; --help has the details.
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            e.getCommandLine().getErr().println(command + ": " + e.getMessage()
                    + " (see " + command.replace("reflex", "./reflex") + " --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, c, r) -> {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            c.getErr().println("reflex: " + m.replace('\n', ' '));
            return 1;
        });
        return cli.execute(args);
    }
}
