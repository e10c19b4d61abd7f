package io.reflex.trainer.cache.trace;

import java.io.IOException;

/**
 * A trace file that holds no request: empty, a header or comments only, or (read leniently) every
 * line malformed. Replaying it would report a hit ratio of 0 for every policy, which reads as a
 * result; it is an error instead. The message is one line naming the file.
 */
public final class EmptyTraceException extends IOException {

    private static final long serialVersionUID = 1L;

    public EmptyTraceException(String message) {
        super(message);
    }
}
