package io.reflex.cli;

import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an output option before any work starts, so that a path that cannot be created fails at
 * once with a one-line usage error saying why, not after a training run with only the path (what
 * {@link Files#createDirectories} reports when a parent is a regular file). Stateless.
 */
final class OutputPaths {

    private OutputPaths() {
    }

    /** {@code file} will be written: no parent of it may be a regular file, and it may not be a directory. */
    static void requireFile(CommandLine cli, String option, Path file) {
        Args.require(cli, !Files.isDirectory(file), "%s %s is a directory, not a file", option, file);
        requireParents(cli, option, file);
    }

    /** {@code dir} will be created if need be: neither it nor any parent of it may be a regular file. */
    static void requireDirectory(CommandLine cli, String option, Path dir) {
        Args.require(cli, !Files.exists(dir) || Files.isDirectory(dir), "%s %s: %s is a file, not a directory", option, dir, dir);
        requireParents(cli, option, dir);
    }

    /** Walks up the path as given (so the message names what the user typed) to the first one that exists. */
    private static void requireParents(CommandLine cli, String option, Path path) {
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) {
                return;
            }
            Args.require(cli, !Files.exists(p), "%s %s: %s is a file, not a directory", option, path, p);
        }
    }
}
