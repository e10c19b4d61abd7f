/**
 * Off-policy evaluation (OPE) and safe promotion: how a policy proves itself on logged decisions
 * before it touches traffic.
 *
 * <p>The engine logs every decision with the probability it was taken ({@code io.reflex.engine.log});
 * {@link io.reflex.trainer.ope.LoggedDecisions} joins decisions to outcomes and builds a
 * {@link io.reflex.trainer.ope.BanditDataset} (one decision, one reward) or an
 * {@link io.reflex.trainer.ope.EpisodeDataset} (sequences). A {@link io.reflex.trainer.ope.TargetPolicy}
 * gives the candidate's action distribution π(a|x). Estimators turn data and target into
 * {@link io.reflex.trainer.ope.EstimateTerms}, per-unit sums whose ratio is the estimate, so that
 * {@link io.reflex.trainer.ope.BootstrapInterval} can resample all estimators at once cheaply.
 * Bandit estimators: IPS, SNIPS, DM, DR, SNDR, Switch-DR ({@link io.reflex.trainer.ope.BanditEstimator});
 * sequence estimators: PDIS, WPDIS, DR, and DM by fitted Q evaluation
 * ({@link io.reflex.trainer.ope.SequenceEstimator}, {@link io.reflex.trainer.ope.FittedQEvaluation}).
 * {@link io.reflex.trainer.ope.OpeBenchmark} evaluates the evaluators on simulators with known truth
 * ({@link io.reflex.trainer.ope.SyntheticBandit}, {@link io.reflex.trainer.ope.SequentialTask});
 * {@link io.reflex.trainer.ope.PromotionGate} promotes a candidate only when the lower confidence
 * bound of its estimate beats the incumbent's estimate.
 *
 * <p>Nothing here is on the engine's hot path: this package allocates freely.
 */
package io.reflex.trainer.ope;
