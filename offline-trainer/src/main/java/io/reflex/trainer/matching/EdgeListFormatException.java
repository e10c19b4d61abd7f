package io.reflex.trainer.matching;

import java.nio.file.Path;

/**
 * An edge list that cannot be read: the message names the file and, for a malformed line, its
 * number ({@code data.txt:12: ...}). Immutable.
 */
public final class EdgeListFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    EdgeListFormatException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    }
}
