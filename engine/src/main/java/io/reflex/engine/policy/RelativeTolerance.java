package io.reflex.engine.policy;

/**
 * How closely two evaluations of a model must agree: {@code |actual - expected| <= rtol * scale},
 * where {@code scale} is the larger of {@code |expected|} and the largest magnitude in that row.
 * Measuring against the row's scale means that an output near zero, whose value is the cancellation
 * of larger terms, is held to the precision of those terms rather than to its own tiny magnitude.
 * Callers that have seen many rows may also pass a per-output floor (the largest magnitude that
 * output took over those rows), which covers single-output models, whose rows have no scale of
 * their own.
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
        return firstMismatch(expected, actual, count, width, null);
    }

    /**
     * As {@link #firstMismatch(float[], float[], int, int)}, with the scale of output {@code k} of
     * every row at least {@code outputScales[k]} (when {@code outputScales} is not null). A caller
     * that has seen many rows passes, for each output, the largest magnitude it took: a row whose
     * values are all near zero (always the case somewhere for a model with a single output) is then
     * held to the precision that output has across inputs, not to its own tiny magnitude.
     */
    public int firstMismatch(float[] expected, float[] actual, int count, int width, float[] outputScales) {
        for (int row = 0; row < count; row += width) {
            float scale = 0f;
            for (int j = row; j < row + width; j++) {
                scale = Math.max(scale, Math.abs(expected[j]));
            }
            for (int j = row; j < row + width; j++) {
                if (!Float.isFinite(expected[j]) || !Float.isFinite(actual[j])) {
                    return j;
                }
                float floor = outputScales == null ? 0f : outputScales[j - row];
                double bound = rtol * Math.max(Math.max(scale, floor), Float.MIN_NORMAL);
                if (Math.abs((double) actual[j] - expected[j]) > bound) {
                    return j;
                }
            }
        }
        return -1;
    }

    /** Raises {@code outputScales[k]} to the largest finite {@code |values[j]|} with {@code j % width == k}. */
    public static void widenOutputScales(float[] outputScales, float[] values, int count, int width) {
        for (int j = 0; j < count; j++) {
            if (Float.isFinite(values[j])) {
                outputScales[j % width] = Math.max(outputScales[j % width], Math.abs(values[j]));
            }
        }
    }
}
