package io.reflex.engine.policy;

import io.reflex.engine.onnx.TensorSpec;

import java.nio.file.Path;

/**
 * A loaded model that maps a fixed-shape float input (one feature vector, or a batch of candidate
 * rows) to float outputs (scores, Q-values or logits). Obtain one from {@link PolicyLoader}.
 *
 * <p><b>Threading.</b> A {@code Policy} is thread-safe and meant to be shared; evaluation state is
 * not. Each thread takes its own {@link Evaluator} from {@link #newEvaluator()} and keeps it: an
 * evaluator owns its buffers (and, for ONNX Runtime, its native tensors), so evaluating allocates
 * nothing. {@link #close()} closes the policy and every evaluator it handed out; call it when no
 * thread is evaluating any more.
 */
public interface Policy extends AutoCloseable {

    /** The input this policy takes, with every dimension bound (the batch included). */
    TensorSpec input();

    /** The output this policy produces, with every dimension bound. */
    TensorSpec output();

    /** Number of floats in one input: the product of {@link #input()}'s dimensions. */
    default int inputSize() {
        return Math.toIntExact(input().elementCount());
    }

    /** Number of floats in one output. */
    default int outputSize() {
        return Math.toIntExact(output().elementCount());
    }

    /** The backend evaluating this policy: {@link Backend#VECTOR} or {@link Backend#ONNX_RUNTIME}. */
    Backend backend();

    /**
     * Why the fast path serves this model or why it does not: for example {@code "compiled: 3 dense
     * layers, dueling head"} or {@code "node 'n3' (Softmax) is not in the fast path's operator set"}.
     */
    String fastPathStatus();

    /** The file this policy was loaded from. */
    Path source();

    /** A new evaluator for the calling thread. */
    Evaluator newEvaluator();

    /** Releases native resources and closes every evaluator. Idempotent. */
    @Override
    void close();

    /**
     * Per-thread evaluation state of a {@link Policy}. Not thread-safe: one thread at a time. After
     * construction {@link #evaluate} allocates nothing.
     */
    interface Evaluator extends AutoCloseable {

        /**
         * Evaluates the policy.
         *
         * @param input  at least {@link Policy#inputSize()} floats, row-major
         * @param output receives {@link Policy#outputSize()} floats, row-major
         * @throws IllegalArgumentException if an array is too short
         * @throws PolicyEvaluationException if the backend fails
         */
        void evaluate(float[] input, float[] output);

        /**
         * Evaluates {@code rows} independent rows with a batch-1 policy: row {@code r} is
         * {@code input[r * inputSize ..]} and goes to {@code output[r * outputSize ..]}. The fast path
         * runs plain chains with rows in vector lanes (many rows through a small shared network, such as
         * per-candidate scoring, cost far less than one call per row); other backends loop.
         *
         * @throws IllegalStateException if the policy's batch is not 1
         * @throws IllegalArgumentException if an array is too short
         */
        void evaluateRows(float[] input, int rows, float[] output);

        /**
         * As {@link #evaluateRows(float[], int, float[])} for rows that share the input columns
         * {@code [sharedFrom, sharedTo)}: the caller guarantees that every row holds row 0's values
         * there (a decision's context, repeated beside each candidate's own features). The fast path
         * then folds those columns into the first layer's bias once per call instead of multiplying
         * them in every row; other backends evaluate the rows as given. An empty range is the plain call.
         *
         * @throws IllegalArgumentException if the range is not within {@code [0, inputSize]} or an array is too short
         * @throws IllegalStateException if the policy's batch is not 1
         */
        void evaluateRows(float[] input, int rows, float[] output, int sharedFrom, int sharedTo);

        /** Releases this evaluator's buffers. Idempotent. */
        @Override
        void close();
    }
}
