/**
 * Online adaptation: what a running host needs to notice that its learned policy has stopped paying
 * and to step back to the classical rule it replaced. {@link io.reflex.engine.adapt.SpatialSampler}
 * picks the keys a shadow simulation sees (SHARDS), {@link io.reflex.engine.adapt.MiniatureLru} is
 * that shadow for LRU, and {@link io.reflex.engine.adapt.ChallengerSwitch} decides, from paired
 * outcomes on the sampled requests, which of a learned challenger and its classical baseline should
 * serve. {@link io.reflex.engine.adapt.LruFloor} puts these together under a learned eviction policy;
 * {@link io.reflex.engine.adapt.ChallengerShadow} evaluates a challenger eviction model in
 * miniature beside the live cache. For loops that log propensities,
 * {@link io.reflex.engine.adapt.OffPolicyEstimate} estimates a target policy's reward online (IPS,
 * SNIPS, DR) and {@link io.reflex.engine.adapt.PolicyChallenge} says when a challenger beats the
 * incumbent with confidence; {@link io.reflex.engine.adapt.ShadowEvaluation} scores a challenger
 * model on one logged decision with them (its reward model, {@link io.reflex.engine.adapt.ActionRewardMeans}),
 * and {@link io.reflex.engine.adapt.DecisionShadow} runs it beside a serving decision loop, the
 * inference on the reward path, and hot-swaps the winner through the loop's policy store.
 * {@link io.reflex.engine.adapt.PageHinkley} and {@link io.reflex.engine.adapt.InputDrift} watch outcomes and inputs for lasting changes. Every
 * class here is deterministic (request counts, never the clock) and allocation-free per request.
 */
package io.reflex.engine.adapt;
