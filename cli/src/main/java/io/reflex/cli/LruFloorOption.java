package io.reflex.cli;

import picocli.CommandLine.Option;

/**
 * {@code --lru-floor} / {@code --no-lru-floor}: whether the simulator serves {@code reflex} with
 * the engine's LRU floor (a sampled LRU shadow that demotes a history-1 model while it loses with
 * confidence, and a miniature of the model that promotes it again when it wins). One name and one
 * default for every command that evaluates {@code reflex} in the simulator.
 */
final class LruFloorOption {

    @Option(names = "--lru-floor", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Serve reflex with its LRU floor (default; --no-lru-floor: the model alone): a sampled LRU shadow demotes a history-1 model to LRU while it loses with confidence, and the model's own miniature promotes it again when it wins.")
    boolean lruFloor;

    /** Whether the floor is on. */
    boolean enabled() {
        return lruFloor;
    }
}
