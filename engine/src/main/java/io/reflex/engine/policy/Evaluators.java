package io.reflex.engine.policy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The evaluators a policy handed out, so that closing the policy closes them all. Thread-safe. */
final class Evaluators {

    private final Set<Policy.Evaluator> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    <E extends Policy.Evaluator> E register(E e, String policyName) {
        if (closed) {
            e.close();
            throw new IllegalStateException("policy " + policyName + " is closed");
        }
        open.add(e);
        return e;
    }

    void forget(Policy.Evaluator e) {
        open.remove(e);
    }

    /** Closes every registered evaluator; later registrations fail. */
    void closeAll() {
        closed = true;
        for (Policy.Evaluator e : open) {
            e.close();
        }
        open.clear();
    }

    /** Checks an evaluateRows call; sizes are per batch, precomputed so that the check allocates nothing. */
    static void checkRows(long batch, Object source, float[] input, int rows, int inputSize, float[] output,
                          int outputSize) {
        if (batch != 1) {
            throw new IllegalStateException("evaluateRows needs a batch-1 policy; " + source + " is bound to batch " + batch);
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        checkLengths(input, rows * inputSize, output, rows * outputSize);
    }

    /** Checks a shared-column range for {@link Policy.Evaluator#evaluateRows(float[], int, float[], int, int)}. */
    static void checkSharedColumns(int from, int to, int inputSize) {
        if (from < 0 || to < from || to > inputSize) {
            throw new IllegalArgumentException("shared columns [" + from + ", " + to + ") must lie within the "
                    + inputSize + " input columns");
        }
    }

    static void checkLengths(float[] input, int inputSize, float[] output, int outputSize) {
        if (input.length < inputSize || output.length < outputSize) {
            throw new IllegalArgumentException("evaluate needs input >= " + inputSize + " and output >= "
                    + outputSize + " floats, got " + input.length + " and " + output.length);
        }
    }
}
