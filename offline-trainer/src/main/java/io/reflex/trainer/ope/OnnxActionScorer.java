package io.reflex.trainer.ope;

import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;

import java.nio.file.Path;

/**
 * Scores actions with an ONNX model loaded and validated by the engine's {@link PolicyLoader}
 * (batch 1): the model's input is the logged feature vector, its outputs are one score per action
 * (Q-values, logits or predicted rewards), exactly what the engine's selectors read when serving it.
 *
 * <p>Owns the loaded policy and one evaluator: not thread-safe, and must be closed.
 */
public final class OnnxActionScorer implements ActionScorer, AutoCloseable {

    private final Policy policy;
    private final Policy.Evaluator evaluator;
    private final float[] input;

    private OnnxActionScorer(Policy policy) {
        this.policy = policy;
        this.evaluator = policy.newEvaluator();
        this.input = new float[policy.inputSize()];
    }

    /**
     * Loads {@code model}.
     *
     * @throws io.reflex.engine.onnx.ModelLoadException naming the file and the problem
     */
    public static OnnxActionScorer load(Path model) {
        return new OnnxActionScorer(PolicyLoader.defaults().load(model));
    }

    /** The model file. */
    public Path source() {
        return policy.source();
    }

    @Override
    public int featureCount() {
        return policy.inputSize();
    }

    @Override
    public int actionCount() {
        return policy.outputSize();
    }

    @Override
    public void score(float[] context, float[] scores) {
        // Copied so that a context of exactly the model's width and a longer buffer behave alike.
        System.arraycopy(context, 0, input, 0, input.length);
        evaluator.evaluate(input, scores);
    }

    @Override
    public void close() {
        evaluator.close();
        policy.close();
    }
}
