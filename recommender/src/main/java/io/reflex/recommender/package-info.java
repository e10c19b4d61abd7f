/**
 * TPGR recommendation (tree-structured policy gradient): an item tree whose root-to-leaf walk picks
 * the next item, one small learned model per tree level, served through the engine with popularity
 * as the fallback.
 *
 * <p>{@link io.reflex.recommender.RecommendEvaluation} is the whole experiment behind
 * {@code ./reflex recommend evaluate}: it takes ratings ({@code data}), factorises them into item
 * vectors and builds the tree ({@code tree}), trains the level models by REINFORCE ({@code train},
 * over the state features of {@code state}), serves them ({@code serve}) and compares TPGR with the
 * classical policies ({@code baseline}) in the ratings simulator ({@code env}). It runs on one thread
 * and is deterministic for a seed in everything but its timings, because TPGR is served there without
 * a deadline.
 */
package io.reflex.recommender;
