package io.reflex.engine.onnx;

/**
 * An element-wise non-linearity. {@code alpha} is the negative slope of {@link Kind#LEAKY_RELU} and
 * zero for every other kind.
 *
 * <p>Immutable.
 */
public record Activation(Kind kind, float alpha) implements Layer {

    /** The activations the fast path evaluates, each with its ONNX operator name. */
    public enum Kind {
        IDENTITY("Identity"), RELU("Relu"), LEAKY_RELU("LeakyRelu"), TANH("Tanh"), SIGMOID("Sigmoid");

        private final String onnxOp;

        Kind(String onnxOp) {
            this.onnxOp = onnxOp;
        }

        public String onnxOp() {
            return onnxOp;
        }
    }

    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0f);
    public static final Activation RELU = new Activation(Kind.RELU, 0f);
    public static final Activation TANH = new Activation(Kind.TANH, 0f);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f);

    public Activation {
        if (kind == null) {
            throw new IllegalArgumentException("activation kind is null");
        }
        if (!Float.isFinite(alpha) || (kind != Kind.LEAKY_RELU && alpha != 0f)) {
            throw new IllegalArgumentException("alpha " + alpha + " is not valid for " + kind);
        }
    }

    /** LeakyReLU with the given negative slope (ONNX's default is 0.01). */
    public static Activation leakyRelu(float alpha) {
        return new Activation(Kind.LEAKY_RELU, alpha);
    }

    /** Applies this activation to one value, in the plain scalar arithmetic a reference uses. */
    public float apply(float x) {
        return switch (kind) {
            case IDENTITY -> x;
            case RELU -> Math.max(0f, x);
            case LEAKY_RELU -> x >= 0f ? x : alpha * x;
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
        };
    }

    @Override
    public int outputWidth(int inputWidth) {
        return inputWidth;
    }
}
