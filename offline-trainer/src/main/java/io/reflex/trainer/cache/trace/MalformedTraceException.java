package io.reflex.trainer.cache.trace;

import java.io.IOException;

/**
 * A trace line or record that its format does not allow, met in {@link Strictness#STRICT} mode. The
 * message is one line naming the place: {@code FILE:LINE: reason} for text formats,
 * {@code FILE: record N (byte OFFSET): reason} for binary ones.
 */
public final class MalformedTraceException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedTraceException(String message) {
        super(message);
    }
}
