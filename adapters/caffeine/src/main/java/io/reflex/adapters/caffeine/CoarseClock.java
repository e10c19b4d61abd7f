package io.reflex.adapters.caffeine;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The time reads and writes stamp on entries (ages, access times, TTL starts for the features;
 * Caffeine's own expiry keeps its exact ticker). With Caffeine's system ticker, they use a shared
 * coarse clock: a volatile {@link System#nanoTime()} sample refreshed about every millisecond by one
 * daemon thread per JVM (started on first use), so that a hit or a write pays a volatile read instead
 * of a clock call. With any other ticker (a simulation's clock, a test's), every stamp calls the
 * ticker itself, so time is exact.
 *
 * <p>Thread-safe; allocation-free per call. The daemon thread costs about a thousand wake-ups a
 * second for the life of the JVM, whatever the number of caches.
 */
abstract sealed class CoarseClock permits CoarseClock.Shared, CoarseClock.Exact {

    /** Nanoseconds on the ticker's scale, to about a millisecond (coarse) or exactly. */
    abstract long approximateNanos();

    static CoarseClock forTicker(Ticker ticker) {
        return ticker == Ticker.systemTicker() ? Shared.INSTANCE : new Exact(ticker);
    }

    /** The coarse clock for the system ticker. */
    static final class Shared extends CoarseClock implements Runnable {
        static final Shared INSTANCE = new Shared();
        private volatile long now = System.nanoTime();

        private Shared() {
            Thread t = Thread.ofPlatform().daemon().name("reflex-coarse-clock").unstarted(this);
            t.start();
        }

        @Override
        long approximateNanos() {
            return now;
        }

        @Override
        public void run() {
            while (true) {
                now = System.nanoTime();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Reads the ticker on every call. */
    static final class Exact extends CoarseClock {
        private final Ticker ticker;

        Exact(Ticker ticker) {
            this.ticker = ticker;
        }

        @Override
        long approximateNanos() {
            return ticker.read();
        }
    }
}
