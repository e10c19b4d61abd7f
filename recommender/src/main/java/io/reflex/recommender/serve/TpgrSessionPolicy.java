package io.reflex.recommender.serve;

import io.reflex.recommender.env.SessionPolicy;

/**
 * The served TPGR recommender as an evaluation policy ({@code tpgr}): every recommendation goes
 * through {@link TreeRecommender.Decider#recommend} — the runtime, the ONNX models on the engine's
 * fast path, the masking — exactly as a server would call it.
 *
 * <p>Single-threaded: it owns one decider. Closing it closes the decider, not the recommender.
 */
public final class TpgrSessionPolicy implements SessionPolicy {

    private final TreeRecommender recommender;
    private final TreeRecommender.Decider decider;

    public TpgrSessionPolicy(TreeRecommender recommender) {
        this.recommender = recommender;
        this.decider = recommender.newDecider();
    }

    @Override
    public String name() {
        return "tpgr";
    }

    @Override
    public Session open(long seed) {
        RecommendationSession session = recommender.openSession();
        return new Session() {
            @Override
            public int recommend() {
                return decider.recommend(session);
            }

            @Override
            public void feedback(int item, float reward) {
                session.feedback(item, reward);
            }
        };
    }

    /** Level decisions made by the popularity fallback. */
    public long fallbackLevels() {
        return decider.fallbackLevels();
    }

    @Override
    public void close() {
        decider.close();
    }
}
