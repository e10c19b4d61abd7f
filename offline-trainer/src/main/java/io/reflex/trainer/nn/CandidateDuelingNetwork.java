package io.reflex.trainer.nn;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.Mlp;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.onnx.MlpGraph;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dueling Q-network whose weights every candidate shares: one small ReLU network reads a
 * candidate's row (its six encoded features and the decision's context, the mean of each feature
 * over the candidates: {@link EvictionFeatures#rows}) and returns a value {@code v_i} and an
 * advantage {@code a_i}; over the {@code n} real candidates of a state,
 * {@code Q(s, i) = mean(v) + a_i − mean(a)} ({@link EvictionLoop#duelingScores}), so {@code mean(v)}
 * is the state's value and {@code a_i − mean(a)} candidate i's advantage. Widths name the row
 * network: {@code 12-16-16-2}.
 *
 * <p>Why shared weights: evicting a candidate costs what that object's future says, whatever slot
 * it sits in, so one function of the row is the right shape; a network over all {@code 6K} inputs
 * must learn it K times from a K-th of the data (measured on the trap workload: the joint network
 * ties LRU, this one does not). It also serves any K (the engine runs the K rows in vector lanes).
 *
 * <p>The row network is an {@link Mlp}, so all arithmetic goes through a {@link ComputeBackend}.
 * Not thread-safe: one thread trains it.
 * Allocates only at construction.
 */
public final class CandidateDuelingNetwork implements QNetwork {

    private final int k;
    private final int maxStates;
    private final Mlp rowNetwork;   // hidden layers (ReLU), then the head to (v, a); one row per candidate
    private final float[] q;
    private final int[] counts;
    private int states;

    /**
     * @param backend   the arithmetic
     * @param widths    the row network: {@link EvictionFeatures#ROW_WIDTH}, hidden widths, 2
     * @param k         candidates per state
     * @param maxStates largest batch of states {@link #forward} will see
     * @param seed      seed of the initial weights
     */
    public CandidateDuelingNetwork(ComputeBackend backend, int[] widths, int k, int maxStates, long seed) {
        if (widths.length < 3 || widths[0] != EvictionFeatures.ROW_WIDTH || widths[widths.length - 1] != 2) {
            throw new IllegalArgumentException("a candidate dueling network is " + EvictionFeatures.ROW_WIDTH
                    + "-hidden...-2, got " + Arrays.toString(widths));
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("widths must be positive, got " + Arrays.toString(widths));
            }
        }
        if (k < 1 || k > 64 || maxStates < 1) {
            throw new IllegalArgumentException("K must be in [1, 64] and maxStates >= 1, got " + k + " and " + maxStates);
        }
        this.k = k;
        this.maxStates = maxStates;
        // The head starts small (gain 0.1) so that the initial Q-values are near zero.
        rowNetwork = Mlp.glorot(backend, widths, 0.1f, maxStates * k, new SplittableRandom(seed));
        q = new float[maxStates * k];
        counts = new int[maxStates];
    }

    @Override
    public int inputWidth() {
        return k * EvictionFeatures.PER_CANDIDATE;
    }

    @Override
    public int actions() {
        return k;
    }

    @Override
    public float[] forward(float[] input, int rows, int[] stateCounts) {
        if (rows < 1 || rows > maxStates) {
            throw new IllegalArgumentException("states must be in [1, " + maxStates + "], got " + rows);
        }
        this.states = rows;
        int width = inputWidth();
        float[] rowInput = rowNetwork.input();
        for (int s = 0; s < rows; s++) {
            int n = stateCounts[s];
            if (n < 1 || n > k) {
                throw new IllegalArgumentException("state " + s + " has " + n + " candidates, K is " + k);
            }
            counts[s] = n;
            EvictionFeatures.rows(input, s * width, n, k, rowInput, s * k * EvictionFeatures.ROW_WIDTH);
        }
        int total = rows * k;
        float[] va = rowNetwork.forward(total);
        Arrays.fill(q, 0, total, 0f);
        for (int s = 0; s < rows; s++) {
            EvictionLoop.duelingScores(va, s * k * 2, counts[s], q, s * k);
        }
        return q;
    }

    @Override
    public void zeroGrad() {
        rowNetwork.zeroGrad();
    }

    @Override
    public void backward(float[] qGrad) {
        float[] dva = rowNetwork.outputGradient();
        Arrays.fill(dva, 0, states * k * 2, 0f);
        for (int s = 0; s < states; s++) {
            int n = counts[s];
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                sum += qGrad[s * k + i];
            }
            // Q_j = mean(v) + a_j - mean(a): dQ_j/dv_i = 1/n, dQ_j/da_i = [i == j] - 1/n.
            float mean = sum / n;
            for (int i = 0; i < n; i++) {
                int at = (s * k + i) * 2;
                dva[at] = mean;
                dva[at + 1] = qGrad[s * k + i] - mean;
            }
        }
        rowNetwork.backward();
    }

    @Override
    public double clipGradients(double maxNorm) {
        return rowNetwork.clipGradients(maxNorm);
    }

    @Override
    public void adamStep(float learningRate) {
        rowNetwork.step(learningRate);
    }

    @Override
    public void copyWeightsFrom(QNetwork source) {
        rowNetwork.blendFrom(((CandidateDuelingNetwork) source).rowNetwork, 1f);
    }

    @Override
    public void softUpdateFrom(QNetwork source, float tau) {
        rowNetwork.blendFrom(((CandidateDuelingNetwork) source).rowNetwork, tau);
    }

    @Override
    public int parameterCount() {
        return rowNetwork.parameterCount();
    }

    /** The row network as the engine's graph: {@code [1, 12] → [1, 2]}, Dense+ReLU layers then the head. */
    @Override
    public MlpGraph toGraph() {
        return MlpExport.chain(rowNetwork);
    }

    /**
     * The row network's outputs {@code (v, a)} for {@code rows} rows ({@code rows × 12} floats), for
     * golden pairs; the returned array is the network's buffer. Overwrites the kept activations.
     */
    public float[] rowOutputs(float[] rowInput, int rows) {
        return rowNetwork.forward(rowInput, rows);
    }
}
