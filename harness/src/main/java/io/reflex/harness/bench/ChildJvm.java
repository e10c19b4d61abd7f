package io.reflex.harness.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a fresh JVM like this one (same {@code java}, JVM options and class path)
 * running one {@code ./reflex} subcommand: for benchmarks that need a new process per fork and for
 * the decision-log crash test, whose children are killed.
 *
 * <p>Stateless.
 */
public final class ChildJvm {

    private static final String MAIN = "io.reflex.cli.ReflexCommand";

    private ChildJvm() {
    }

    /** {@code java <this JVM's options> -cp <this class path> ReflexCommand <args>}; a debugger agent is left out. */
    public static List<String> reflexCommand(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN);
        command.addAll(args);
        return command;
    }
}
