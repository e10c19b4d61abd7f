/**
 * Online adaptation: what a running host needs to notice that its learned policy has stopped paying
 * and to step back to the classical rule it replaced. {@link io.reflex.engine.adapt.SpatialSampler}
 * picks the keys a shadow simulation sees (SHARDS), {@link io.reflex.engine.adapt.MiniatureLru} is
 * that shadow for LRU, and {@link io.reflex.engine.adapt.ChallengerSwitch} decides, from paired
 * outcomes on the sampled requests, which of a learned challenger and its classical baseline should
 * serve. Every class here is deterministic (request counts, never the clock) and allocation-free
 * per request.
 */
package io.reflex.engine.adapt;
