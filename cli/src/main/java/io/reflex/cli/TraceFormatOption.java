package io.reflex.cli;

import io.reflex.trainer.cache.trace.TraceFormat;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The required {@code --format} of the commands that replay one trace the way {@code simulate} does. */
final class TraceFormatOption {

    @Option(names = "--format", required = true, paramLabel = "FMT", description = "Trace format (see simulate).")
    String format;

    /** The parsed format, or a usage error naming the bad label. */
    TraceFormat parse(CommandLine cli) {
        return ReplayArguments.format(cli, format);
    }
}
