/**
 * The eviction suite: one command that trains and scores the learned eviction policy against the
 * classical ones on a manifest of real traces, the way designs are compared and chosen.
 *
 * <ul>
 *   <li>{@link io.reflex.trainer.suite.SuiteManifest}: the manifest (traces, formats, capacities, the
 *       train/evaluate split), validated with one-line errors naming the manifest and field.</li>
 *   <li>{@link io.reflex.trainer.suite.SuiteTraining}: how one model is trained per trace; the
 *       learned design plugs in here ({@link io.reflex.trainer.suite.SuiteTraining#standard()}).</li>
 *   <li>{@link io.reflex.trainer.suite.EvictionSuite}: per trace, split in time order, train on the
 *       first part, replay every policy on the rest from an empty cache.</li>
 *   <li>{@link io.reflex.trainer.suite.SuiteSummary}: the per-cell comparison and its means.</li>
 * </ul>
 */
package io.reflex.trainer.suite;
