package io.reflex.harness.bench;

import io.reflex.harness.nginx.NginxServer;
import io.reflex.harness.nginx.ReflexStats;

import java.io.IOException;

/**
 * Samples a patched NGINX's stats file every 50 ms on a thread of its own and adds up the time and
 * the evictions of the intervals in which evictions happened: the eviction rate while the cache
 * manager evicts, as opposed to the average over a run in which it mostly sleeps.
 *
 * <p>One instance per measured run; {@link #stop()} before reading the totals.
 */
final class EvictionRateSampler {

    private final Thread thread;
    private final long start = System.nanoTime();
    private volatile long stopped;
    private volatile long lastEvictionNanos;
    private double activeNanos;
    /** Written by the sampler thread only; volatile so that {@link #activeEvictions} may be read meanwhile. */
    private volatile long activeEvictions;

    EvictionRateSampler(NginxServer nginx) {
        thread = Thread.ofPlatform().daemon().name("stats-sampler").start(() -> {
            long lastT = System.nanoTime();
            long lastE = -1;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(50);
                    ReflexStats s = nginx.stats();
                    long now = System.nanoTime();
                    long e = s == null ? 0 : s.evictions();
                    if (lastE < 0) {
                        lastE = e;      // the counters may not start at 0 (a reloaded NGINX keeps them)
                    }
                    if (e > lastE) {
                        activeNanos += now - lastT;
                        activeEvictions += e - lastE;
                        lastEvictionNanos = now;
                    }
                    lastT = now;
                    lastE = e;
                } catch (InterruptedException ex) {
                    return;
                } catch (IOException | RuntimeException ex) {
                    // the file is being replaced: sample again
                }
            }
        });
    }

    /** Stops sampling and waits for the sampler thread. */
    void stop() throws InterruptedException {
        stopped = System.nanoTime();
        thread.interrupt();
        thread.join();
    }

    /** Nanoseconds from construction to {@link #stop()} (or now). */
    long elapsed() {
        return (stopped == 0 ? System.nanoTime() : stopped) - start;
    }

    /** Time of the intervals with evictions, in ns (read after {@link #stop()}). */
    double activeNanos() {
        return activeNanos;
    }

    /** Evictions seen so far: in the intervals with evictions, that is all of them (readable while sampling). */
    long activeEvictions() {
        return activeEvictions;
    }

    /** {@link System#nanoTime()} of the last sample that saw evictions, 0 before the first. */
    long lastEvictionNanos() {
        return lastEvictionNanos;
    }

    /** Evictions per second while evicting; 0 when nothing was evicted. */
    double activeRate() {
        return activeNanos == 0 ? 0 : activeEvictions / (activeNanos / 1e9);
    }
}
