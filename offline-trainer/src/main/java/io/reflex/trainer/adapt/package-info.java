/**
 * Continuous retraining from a live access log ({@code ./reflex adapt}): a log follower that
 * survives rotation, truncation and restarts ({@link io.reflex.trainer.adapt.LogFollower}), the
 * trailing window of requests ({@link io.reflex.trainer.adapt.RequestWindow}) saved with the log
 * position in one atomically replaced state file ({@link io.reflex.trainer.adapt.AdaptState}), and
 * the round that trains a candidate and promotes it only when it beats the served model and LRU on
 * requests it never saw ({@link io.reflex.trainer.adapt.RetrainRound}), driven by
 * {@link io.reflex.trainer.adapt.LogAdaptation}. For decision loops ({@code ./reflex adapt
 * --decision-log}): {@link io.reflex.trainer.adapt.DecisionLogFollower} follows a growing decision
 * log, {@link io.reflex.trainer.adapt.DecisionLogAdaptation} scores a challenger on it with the
 * engine's shadow evaluation and publishes it when it wins, and
 * {@link io.reflex.trainer.adapt.DecisionAdaptState} keeps the position, the evidence and the
 * decisions awaiting their outcome together; both states share
 * {@code CheckedStateFile}'s checked, atomic envelope.
 */
package io.reflex.trainer.adapt;
