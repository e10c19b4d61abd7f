/**
 * What a level policy sees during one session. {@link io.reflex.recommender.state.UserStateEncoder}
 * estimates the user's latent vector from the session's feedback (a ridge regression updated by
 * Sherman–Morrison) plus feedback statistics; {@link io.reflex.recommender.state.SessionMask} records
 * which items the session has taken, as per-node counts and sums, so a walk never repeats an item and
 * never dead-ends; {@link io.reflex.recommender.state.ChildRows} builds one input row per child of the
 * node being expanded from the state, the child's available-item mean embedding and its popularity.
 * The trainer ({@code io.reflex.recommender.train}) and the server ({@code io.reflex.recommender.serve})
 * build their inputs through these same classes.
 *
 * <p>Threading: the encoder and the mask are not thread-safe (one per session). The encoder allocates
 * nothing after construction, the mask only when its map grows; {@code ChildRows} is stateless and
 * allocation-free.
 */
package io.reflex.recommender.state;
