package io.reflex.engine.onnx;

/**
 * The graph is valid ONNX but not an MLP-like chain the fast path can compile; the message is the
 * reason (the operator, node or shape at fault), reported to the user when ONNX Runtime serves the
 * model instead.
 */
public final class UnsupportedGraphException extends Exception {

    private static final long serialVersionUID = 1L;

    public UnsupportedGraphException(String reason) {
        super(reason);
    }
}
