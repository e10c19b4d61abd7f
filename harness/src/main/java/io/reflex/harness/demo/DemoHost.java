package io.reflex.harness.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A host serving the adapting arm of {@link AdaptDemo}: the Caffeine adapter in process, or the
 * patched NGINX with its sidecar. The demo drives it one request at a time, in the sequence's order,
 * from one thread.
 */
interface DemoHost extends AutoCloseable {

    /** A switch of the host's floor, as the host saw it. */
    record Switch(boolean learnedServes, long requestsSinceModel) {
    }

    /** {@code caffeine} or {@code nginx}: the JSON's {@code host}. */
    String name();

    /** The host's classical rule, as the simulator names it (the floor's rule and the retraining's bar). */
    String classical();

    /** Serves one request for {@code key} (a unit-size object); whether it was a hit. */
    boolean request(long key) throws IOException, InterruptedException;

    /** Makes the model file {@code served} (already replaced atomically) the serving model, and waits until it serves. */
    void serve(Path served) throws IOException, InterruptedException;

    /** The floor's switches since the last call, in order. */
    List<Switch> switches() throws IOException, InterruptedException;

    /** A watch's signal (kind {@code drift} or {@code input_drift}) and what it said. */
    record Signal(String kind, String detail) {
    }

    /** The host's watches' signals since the last call (none by default: a host without watches). */
    default List<Signal> signals() {
        return List.of();
    }

    /** Requests that failed (no answer, or not a 200). */
    long failed();

    @Override
    void close() throws IOException, InterruptedException;
}
