/**
 * Learned eviction inside Caffeine: {@link io.reflex.adapters.caffeine.ReflexCache}, a bounded
 * Caffeine cache whose victims a Reflex policy chooses from among Caffeine's K coldest entries, with
 * Caffeine's own W-TinyLFU as the fallback.
 *
 * <p>Each value is wrapped in a small node ({@code EntryNode}) holding the per-entry state behind the
 * six Cold-RL features; a write that needs room hands the K coldest entries to the engine's
 * {@link io.reflex.engine.eviction.EvictionLoop} and evicts its victims, then tops the free space up
 * to a headroom in the policy's order so that one decision serves several writes. Caffeine enforces
 * the capacity throughout: the policy only evicts earlier and chooses whom. Timestamps come from a
 * shared coarse clock ({@code CoarseClock}) when Caffeine's system ticker is used, so a hit pays a
 * volatile read rather than a clock call.
 *
 * <p>Threading: the cache is thread-safe, with Caffeine's concurrency for reads and writes. Eviction
 * decisions are serialised by one lock and one decider; writes that need no room never take it.
 * Per-entry access statistics are updated without synchronisation, on purpose (a lost increment is
 * accepted). A hit allocates nothing beyond what Caffeine does, a write one node, and a decision only
 * what Caffeine's {@code coldest} API forces. The builder is for one thread.
 */
package io.reflex.adapters.caffeine;
