package io.reflex.recommender.env;

/**
 * A recommendation policy as the evaluation drives it: open a session per user, then alternate
 * {@link Session#recommend()} and {@link Session#feedback}. Implementations never recommend an item
 * twice in a session.
 *
 * <p>Sessions are used by one thread at a time; a policy may be opened by one evaluation thread.
 */
public interface SessionPolicy extends AutoCloseable {

    /** The name in results ({@code random}, {@code popularity}, {@code greedy-mf}, {@code linucb}, {@code tpgr}). */
    String name();

    /** A new session; {@code seed} fixes any randomness of this session. */
    Session open(long seed);

    @Override
    default void close() {
    }

    /** One user's session. */
    interface Session {
        /** The next item (catalog index). */
        int recommend();

        /** The reward of the item just recommended. */
        void feedback(int item, float reward);
    }
}
