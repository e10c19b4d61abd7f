package io.reflex.engine.policy;

/** Which engine evaluates a {@link Policy}. */
public enum Backend {
    /** Loader choice only: the Vector API fast path when the graph allows it, else ONNX Runtime. */
    AUTO("auto"),
    /** Reflex's compiled {@code jdk.incubator.vector} evaluator for MLP-like graphs. */
    VECTOR("vector"),
    /** ONNX Runtime, which serves any ONNX graph. */
    ONNX_RUNTIME("onnxruntime");

    private final String label;

    Backend(String label) {
        this.label = label;
    }

    /** The name used in command lines and JSON. */
    public String label() {
        return label;
    }

    /** The backend named {@code label}, as {@link #label()} spells it. */
    public static Backend fromLabel(String label) {
        for (Backend b : values()) {
            if (b.label.equals(label)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + label + "'; expected auto, vector or onnxruntime");
    }
}
