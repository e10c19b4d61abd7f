package io.reflex.trainer.ope;

/**
 * An estimate q̂(x, a) of the expected reward of action {@code a} in context {@code x}: the direct
 * method's model, and the baseline doubly robust estimators correct.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface RewardModel {

    /** The predicted expected reward of {@code action} in {@code context}. */
    double predict(float[] context, int action);

    /** Predictions for every decision of {@code data} and every action, row-major {@code [n][actions]}. */
    default double[] predictAll(BanditDataset data) {
        int k = data.actionCount();
        double[] out = new double[data.size() * k];
        for (int i = 0; i < data.size(); i++) {
            for (int a = 0; a < k; a++) {
                out[i * k + a] = predict(data.context(i), a);
            }
        }
        return out;
    }
}
