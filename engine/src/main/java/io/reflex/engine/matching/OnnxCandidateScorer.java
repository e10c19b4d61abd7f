package io.reflex.engine.matching;

import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.policy.Backend;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link CandidateScorer} backed by an ONNX model: one shared MLP maps a candidate's
 * {@value CandidateFeatures#COUNT} features to one score ({@code [1, 16] -> [1, 1]}, any tensor
 * names), loaded by {@link PolicyLoader} so it is validated and, when the graph is an MLP, served by
 * the Vector API fast path. The eligible candidates are scored in one
 * {@link Policy.Evaluator#evaluateRows} call, which the fast path runs with candidates in vector lanes
 * (masked candidates cost nothing).
 *
 * <p><b>Threading and lifetime.</b> A scorer holds one {@link Policy.Evaluator}: one thread at a
 * time. A scorer made by {@link #load} owns its policy and closes it; one made by {@link #sharing}
 * uses a policy other scorers (other threads) share and closes only its evaluator.
 *
 * <p><b>Allocation.</b> None per call.
 */
public final class OnnxCandidateScorer implements CandidateScorer, AutoCloseable {

    private final Policy policy;
    private final boolean ownsPolicy;
    private final Policy.Evaluator evaluator;

    private OnnxCandidateScorer(Policy policy, boolean ownsPolicy) {
        this.policy = policy;
        this.ownsPolicy = ownsPolicy;
        this.evaluator = policy.newEvaluator();
    }

    /** The loader for scorer models: input {@code [1, 16]}, output {@code [1, 1]}, the given backend. */
    public static PolicyLoader loader(Backend backend) {
        return PolicyLoader.builder()
                .input(null, 1, CandidateFeatures.COUNT)
                .output(null, 1, 1)
                .backend(backend)
                .build();
    }

    /**
     * Loads {@code model} with the automatic backend (the fast path when it can serve the graph).
     *
     * @throws ModelLoadException naming the file and the problem
     */
    public static OnnxCandidateScorer load(Path model) {
        return load(model, Backend.AUTO);
    }

    /** Loads {@code model} with the given backend; {@link Backend#VECTOR} fails if the fast path cannot serve it. */
    public static OnnxCandidateScorer load(Path model, Backend backend) {
        Policy policy = loader(backend).load(model);
        try {
            return new OnnxCandidateScorer(policy, true);
        } catch (RuntimeException e) {
            policy.close();
            throw e;
        }
    }

    /** A scorer on a policy shared with other threads; closing the scorer leaves the policy open. */
    public static OnnxCandidateScorer sharing(Policy policy) {
        Objects.requireNonNull(policy, "policy");
        if (policy.inputSize() != CandidateFeatures.COUNT || policy.outputSize() != 1) {
            throw new IllegalArgumentException("a candidate scorer maps [1, " + CandidateFeatures.COUNT
                    + "] to [1, 1]; " + policy.source() + " maps " + policy.input().shapeString() + " to "
                    + policy.output().shapeString());
        }
        return new OnnxCandidateScorer(policy, false);
    }

    /** The policy evaluating the rows (its backend and {@link Policy#fastPathStatus()} say how). */
    public Policy policy() {
        return policy;
    }

    @Override
    public void score(int rows, int[] candidates, float[] features, float[] scores) {
        // Rows are contiguous [rows][COUNT]: the fast path scores them in vector lanes, many per FMA, and
        // multiplies the decision's shared context columns into the first layer once rather than per row.
        evaluator.evaluateRows(features, rows, scores, CandidateFeatures.SHARED_FROM, CandidateFeatures.SHARED_TO);
    }

    /** Closes the evaluator, and the policy if this scorer loaded it. Idempotent. */
    @Override
    public void close() {
        evaluator.close();
        if (ownsPolicy) {
            policy.close();
        }
    }
}
