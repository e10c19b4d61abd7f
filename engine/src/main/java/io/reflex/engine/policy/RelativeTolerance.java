package io.reflex.engine.policy;

/**
 * How closely two evaluations of a model must agree: {@code |actual - expected| <= rtol * scale},
 * where {@code scale} is the larger of {@code |expected|} and the largest magnitude in that row.
 * Measuring against the row's scale means that an output near zero, whose value is the cancellation
 * of larger terms, is held to the precision of those terms rather than to its own tiny magnitude.
 *
 * <p>Immutable.
 *
 * @param rtol the relative tolerance, in (0, 0.1]
 */
public record RelativeTolerance(double rtol) {

    /** The tolerance the loader holds the fast path to against ONNX Runtime. */
    public static final RelativeTolerance DEFAULT = new RelativeTolerance(1e-5);

    public RelativeTolerance {
        if (!(rtol > 0 && rtol <= 0.1)) {
            throw new IllegalArgumentException("relative tolerance must be in (0, 0.1], got " + rtol);
        }
    }

    /**
     * The index of the first element of {@code actual} that disagrees with {@code expected}, or -1.
     * Rows are {@code width} long; a non-finite value on either side is always a mismatch.
     */
    public int firstMismatch(float[] expected, float[] actual, int count, int width) {
        for (int row = 0; row < count; row += width) {
            float scale = 0f;
            for (int j = row; j < row + width; j++) {
                scale = Math.max(scale, Math.abs(expected[j]));
            }
            for (int j = row; j < row + width; j++) {
                if (!Float.isFinite(expected[j]) || !Float.isFinite(actual[j])) {
                    return j;
                }
                double bound = rtol * Math.max(scale, Float.MIN_NORMAL);
                if (Math.abs((double) actual[j] - expected[j]) > bound) {
                    return j;
                }
            }
        }
        return -1;
    }
}
