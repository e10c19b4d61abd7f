package io.reflex.cli;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.trace.TraceFormat;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parsing shared by the commands that replay traces ({@code simulate}, {@code train},
 * {@code evaluate}, {@code quickstart}): a bad value becomes picocli's one-line usage error naming
 * it. Stateless.
 */
final class ReplayArguments {

    private ReplayArguments() {
    }

    /** The {@code --format} label as a trace format. */
    static TraceFormat format(CommandLine cli, String label) {
        try {
            return TraceFormat.fromLabel(label);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
    }

    /** The {@code --sizes} values as capacities, in order. */
    static List<Capacity> capacities(CommandLine cli, List<String> sizes) {
        List<Capacity> capacities = new ArrayList<>();
        try {
            for (String s : sizes) {
                capacities.add(Capacity.parse(s));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        return capacities;
    }

    /** Fails with "{@code what} file not found: PATH" unless {@code file} is a regular file. */
    static void requireFile(CommandLine cli, Path file, String what) {
        // "not found" would send a user looking for a file that is there: say what the path is instead
        Args.require(cli, !Files.isDirectory(file), "%s: %s is a directory, not a file", what, file);
        Args.require(cli, !Files.exists(file) || Files.isRegularFile(file),
                "%s: %s is not a regular file (a FIFO, socket or device?)", what, file);
        Args.require(cli, Files.isRegularFile(file), "%s file not found: %s", what, file);
    }
}
