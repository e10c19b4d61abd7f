package io.reflex.adapters.caffeine;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the floors of caches built without an executor replay their sampled requests: one daemon
 * thread ({@code reflex-floor}) shared by every such cache in the JVM, started on the first replay
 * and ended after {@value #IDLE_SECONDS} idle seconds. A cache has at most one replay scheduled at
 * once, so the queue holds at most one task per cache.
 *
 * <p>Not the common pool, though Caffeine's maintenance runs there: on the 2-vCPU development VM
 * the floor's replays on the common pool (parallelism 1) raised the calling thread's CPU per read by
 * 66% to 93% (paired rounds, {@code FloorCostBench}), where a thread of their own cost nothing
 * measurable (docs/measurements.md, "The adapter floor off the callers' threads"). A cache built
 * with {@code executor(..)} uses that executor instead.
 *
 * <p>Thread-safe. {@link #shared()} allocates nothing after the first call; each replay's
 * submission allocates a queue node.
 */
final class FloorExecutor {

    static final int IDLE_SECONDS = 30;

    private FloorExecutor() {
    }

    /** The shared executor. */
    static Executor shared() {
        return Holder.EXECUTOR;
    }

    private static final class Holder {
        static final Executor EXECUTOR = create();

        private static Executor create() {
            ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), task -> {
                        Thread t = new Thread(task, "reflex-floor");
                        t.setDaemon(true);
                        return t;
                    });
            executor.allowCoreThreadTimeOut(true);
            return executor;
        }
    }
}
