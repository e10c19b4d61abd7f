package io.reflex.recommender.serve;

import io.reflex.engine.log.DecisionLogWriter;
import io.reflex.recommender.state.SessionMask;
import io.reflex.recommender.state.UserStateEncoder;
import io.reflex.recommender.tree.ItemTree;

import java.util.Arrays;

/**
 * One user's interactive session: the user-state encoder (updated by {@link #feedback}) and the mask
 * of items already recommended (nothing repeats). Opened by {@link TreeRecommender#openSession()},
 * advanced by a {@link TreeRecommender.Decider}.
 *
 * <p>Not thread-safe: one request at a time per session (a server keeps it in a map and serialises
 * a user's requests). Feedback allocates nothing; the session grows a small table of decision ids
 * (for logging outcomes) as it recommends, and its mask's map as it touches nodes. Opening a session
 * allocates its buffers (about 14 KB at 8 dimensions); {@link #restart} reuses them.
 */
public final class RecommendationSession implements AutoCloseable {

    private final ItemTree tree;
    private final UserStateEncoder encoder;
    private final SessionMask mask;
    private final DecisionLogWriter.LoopLog log;
    private int[] items = new int[64];
    private long[] decisionIds = new long[64];
    private int recommended;
    private boolean closed;

    RecommendationSession(ItemTree tree, double encoderLambda, DecisionLogWriter.LoopLog log) {
        this.tree = tree;
        this.encoder = new UserStateEncoder(tree.catalog().dims(), encoderLambda);
        this.mask = new SessionMask(tree);
        this.log = log;
    }

    UserStateEncoder encoder() {
        return encoder;
    }

    SessionMask mask() {
        return mask;
    }

    void recorded(int item, long decisionId) {
        if (recommended == items.length) {
            items = Arrays.copyOf(items, recommended * 2);
            decisionIds = Arrays.copyOf(decisionIds, recommended * 2);
        }
        items[recommended] = item;
        decisionIds[recommended++] = decisionId;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the session is closed");
        }
    }

    /** Items recommended so far in this session. */
    public int recommended() {
        return recommended;
    }

    /**
     * The user's reward for {@code item} (a catalog index this session recommended), e.g. the rating
     * scaled into (−1, 1]: updates the state and logs the outcome under the decision's id.
     *
     * @throws IllegalArgumentException when this session did not recommend the item
     */
    public void feedback(int item, float reward) {
        checkOpen();
        if (!Float.isFinite(reward)) {
            throw new IllegalArgumentException("reward must be finite, got " + reward);
        }
        int at = -1;
        for (int k = recommended - 1; k >= 0; k--) {
            if (items[k] == item) {
                at = k;
                break;
            }
        }
        if (at < 0) {
            throw new IllegalArgumentException("item " + item + " was not recommended in this session");
        }
        encoder.update(tree.catalog().vectors(), item * tree.catalog().dims(), reward);
        if (log != null && decisionIds[at] >= 0) {
            log.outcome(decisionIds[at], reward);
        }
    }

    /**
     * Starts a new session on this object's buffers, open or closed: empty history, nothing
     * recommended. Allocates nothing, so a server that recycles session objects opens sessions for free.
     */
    public void restart() {
        encoder.reset();
        mask.reset();
        recommended = 0;
        closed = false;
    }

    /** Ends the session. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }
}
