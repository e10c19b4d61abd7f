package io.reflex.sidecar.protocol;

/**
 * A frame that breaks protocol version 1: the {@link ErrorCode} to reply with, the request id to
 * echo (0 when the header could not be read), and whether the connection must close
 * ({@link #fatal()}: the stream can no longer be split into frames).
 *
 * <p>Allocated only on the error path; immutable.
 */
public final class ProtocolException extends Exception {

    private final ErrorCode code;
    private final long requestId;
    private final boolean fatal;

    public ProtocolException(ErrorCode code, long requestId, boolean fatal, String message) {
        super(message, null, false, false);
        this.code = code;
        this.requestId = requestId;
        this.fatal = fatal;
    }

    public ErrorCode code() {
        return code;
    }

    /** The request id to echo in the ERROR reply (u32, as a long). */
    public long requestId() {
        return requestId;
    }

    /** True when the connection cannot continue (framing lost). */
    public boolean fatal() {
        return fatal;
    }
}
