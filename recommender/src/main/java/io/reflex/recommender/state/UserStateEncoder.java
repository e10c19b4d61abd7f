package io.reflex.recommender.state;

import java.util.Arrays;

/**
 * The user-state encoder over a session's history: a closed-form ridge-regression estimate of the
 * user's latent vector from the (item vector, reward) pairs seen so far, {@code û = (λI + Σ v vᵀ)⁻¹ Σ r v},
 * updated in O(dims²) per feedback by Sherman–Morrison, plus feedback statistics: positive, negative
 * and zero rewards so far, consecutive positives and negatives, and the step, each divided by
 * {@value #HORIZON}.
 *
 * <p>Why not TPGR's recurrent cell: the ridge estimate is exactly the sufficient statistic of a linear
 * reward model over the item vectors, needs no pre-training, is deterministic, and costs a few
 * hundred flops per feedback; the policy above it is what learns. The state is
 * {@code dims + }{@value #STATS} floats: {@code [û ‖ statistics]}.
 *
 * <p>Not thread-safe: one per session. Allocates nothing after construction.
 */
public final class UserStateEncoder {

    /** Number of feedback statistics after the latent estimate. */
    public static final int STATS = 6;
    /** The episode length the statistics are scaled by. */
    public static final float HORIZON = 32f;

    private final int dims;
    private final double lambda;
    private final double[] inverse;
    private final double[] b;
    private final double[] scratch;
    private final float[] estimate;
    private int positives;
    private int negatives;
    private int zeros;
    private int consecutivePositives;
    private int consecutiveNegatives;
    private int steps;

    /**
     * @param dims   item vector dimension
     * @param lambda ridge prior weight, > 0
     */
    public UserStateEncoder(int dims, double lambda) {
        if (dims < 1) {
            throw new IllegalArgumentException("dims must be >= 1, got " + dims);
        }
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("lambda must be > 0, got " + lambda);
        }
        this.dims = dims;
        this.lambda = lambda;
        this.inverse = new double[dims * dims];
        this.b = new double[dims];
        this.scratch = new double[dims];
        this.estimate = new float[dims];
        reset();
    }

    /** Width of the encoded state. */
    public static int width(int dims) {
        return dims + STATS;
    }

    /** Clears the history (a new session). */
    public void reset() {
        Arrays.fill(inverse, 0);
        for (int d = 0; d < dims; d++) {
            inverse[d * dims + d] = 1 / lambda;
        }
        Arrays.fill(b, 0);
        Arrays.fill(estimate, 0);
        positives = negatives = zeros = consecutivePositives = consecutiveNegatives = steps = 0;
    }

    /** Records the reward of an item whose vector is {@code vector[offset, offset+dims)}. */
    public void update(float[] vector, int offset, float reward) {
        // Sherman–Morrison: (A + v vᵀ)⁻¹ = A⁻¹ − (A⁻¹v)(A⁻¹v)ᵀ / (1 + vᵀA⁻¹v)
        double denom = 1;
        for (int r = 0; r < dims; r++) {
            double s = 0;
            for (int c = 0; c < dims; c++) {
                s += inverse[r * dims + c] * vector[offset + c];
            }
            scratch[r] = s;
            denom += vector[offset + r] * s;
        }
        for (int r = 0; r < dims; r++) {
            for (int c = 0; c < dims; c++) {
                inverse[r * dims + c] -= scratch[r] * scratch[c] / denom;
            }
            b[r] += reward * vector[offset + r];
        }
        for (int r = 0; r < dims; r++) {
            double s = 0;
            for (int c = 0; c < dims; c++) {
                s += inverse[r * dims + c] * b[c];
            }
            estimate[r] = (float) s;
        }
        steps++;
        if (reward > 0) {
            positives++;
            consecutivePositives++;
            consecutiveNegatives = 0;
        } else if (reward < 0) {
            negatives++;
            consecutiveNegatives++;
            consecutivePositives = 0;
        } else {
            zeros++;
            consecutivePositives = 0;
            consecutiveNegatives = 0;
        }
    }

    /** The current latent estimate û (a view: do not modify). */
    public float[] estimate() {
        return estimate;
    }

    /** Feedback received so far. */
    public int steps() {
        return steps;
    }

    /** Writes {@code [û ‖ statistics]} into {@code out} at {@code offset}. */
    public void write(float[] out, int offset) {
        System.arraycopy(estimate, 0, out, offset, dims);
        int s = offset + dims;
        out[s] = positives / HORIZON;
        out[s + 1] = negatives / HORIZON;
        out[s + 2] = zeros / HORIZON;
        out[s + 3] = consecutivePositives / HORIZON;
        out[s + 4] = consecutiveNegatives / HORIZON;
        out[s + 5] = steps / HORIZON;
    }
}
