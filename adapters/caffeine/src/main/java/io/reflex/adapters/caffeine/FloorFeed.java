package io.reflex.adapters.caffeine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The requests a {@link PolicyFloor}'s shadows see, on their way from the cache's decision lock,
 * where they are ordered, to the shadows, which replay them on the cache's executor: the floor's
 * work (a W-TinyLFU miniature's read or write, a learned miniature's decisions) then runs beside
 * the cache's callers, not on their threads. The cost that stays on a caller's thread is a counter
 * per request the shadows do not see and three stores per one they do.
 *
 * <p>A ring of {@value #CAPACITY} sampled requests, each its key's fingerprint, its weight and
 * outcome, and its index in the full request stream (so the floor's count of unsampled requests is
 * exact without passing them on). One producer, the holder of the cache's lock; one replayer at a
 * time, under this feed's own lock. Once {@value #BATCH} requests wait, the producer hands a
 * replay to the executor (at most one scheduled at once); a producer that finds the ring full
 * replays it itself before appending, so no request is dropped and the shadows see every sampled
 * request, in order, whatever the executor does. {@link #replay} (from {@code cleanUp}) replays
 * what waits on the calling thread. Lock order: the cache's lock, then this feed's; a replay never
 * takes the cache's.
 *
 * <p>Deterministic with a synchronous executor ({@code executor(Runnable::run)}): replays then run
 * at fixed points of the request stream, so the same requests give the same switches at the same
 * requests. With another executor the floor still sees the same sampled requests with the same
 * indices, but a switch reaches the live cache a little later, when the replay has run.
 *
 * <p>Allocation: none per request. A {@link ForkJoinPool} (the common pool, the cache's default)
 * runs one replay task, reused whenever its last run is done, so scheduling allocates nothing either
 * (its {@code execute(Runnable)} would wrap each call in a new task); another executor may allocate
 * per scheduled replay (one per {@value #BATCH} sampled requests at most).
 */
final class FloorFeed {

    /** Replays one sampled request, under the feed's lock. */
    @FunctionalInterface
    interface Replay {
        /**
         * @param weight    the key's weight, at least 1
         * @param atRequest the request's index in the cache's request stream (1 for the first)
         */
        void request(long fingerprint, long weight, boolean liveHit, long atRequest);
    }

    /** Sampled requests the ring holds (a power of two). */
    static final int CAPACITY = 8192;
    /** Sampled requests waiting at which the producer schedules a replay. */
    static final int BATCH = 256;
    private static final int FIELDS = 3;

    private static final VarHandle PUBLISHED;

    static {
        try {
            PUBLISHED = MethodHandles.lookup().findVarHandle(FloorFeed.class, "published", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Per sampled request: fingerprint, weight (negated for a live hit), request index. */
    private final long[] ring = new long[CAPACITY * FIELDS];
    private final Replay replay;
    private final Executor executor;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable scheduledReplay = this::scheduledReplay;
    /** The replay as a task of the executor's own, when it is a {@link ForkJoinPool}; else null. Starts done. */
    private final ReplayTask task;
    // The producer's fields, written on every request, and the replayer's position, written by
    // another core, are kept on different cache lines: sharing one, each replay would take the
    // line from under the producer's next request.
    /** Requests seen, sampled or not; the producer's. */
    private long requests;
    /** Sampled requests appended so far; written by the producer only. */
    private volatile long published;
    /** The replayer's position as the producer last read it: at most the real one. */
    private long replayedSeen;
    /** Sampled requests appended since the producer last scheduled a replay. */
    private int sinceScheduled;
    /** Sampled requests replayed so far, on a cache line of its own; written under {@link #lock} only. */
    private final Position replayed = new Position();
    private boolean closed;
    /** Sampled requests the producer replayed itself because the ring was full. */
    private final java.util.concurrent.atomic.LongAdder replayedByCaller = new java.util.concurrent.atomic.LongAdder();

    FloorFeed(Replay replay, Executor executor) {
        this.replay = Objects.requireNonNull(replay, "replay");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.task = executor instanceof ForkJoinPool ? new ReplayTask() : null;
        if (task != null) {
            task.complete(null);   // done, as after a run: the first schedule reinitialises it like any other
        }
    }

    /** Requests the shadows do not see: counted. Producer only. */
    void unsampled(long n) {
        requests += n;
    }

    /** A request the shadows see: appended, replayed later. Producer only; allocation-free. */
    void sampled(long fingerprint, long weight, boolean liveHit) {
        long at = ++requests;
        long tail = published;
        if (tail - replayedSeen >= CAPACITY) {
            replayedSeen = replayed.get();
            if (tail - replayedSeen >= CAPACITY) {
                replay();   // full: replay here, so that nothing is dropped
                long head = replayedSeen;
                replayedSeen = replayed.get();
                replayedByCaller.add(replayedSeen - head);
            }
        }
        int i = (int) (tail & (CAPACITY - 1)) * FIELDS;
        ring[i] = fingerprint;
        ring[i + 1] = liveHit ? -weight : weight;
        ring[i + 2] = at;
        PUBLISHED.setRelease(this, tail + 1);
        if (++sinceScheduled >= BATCH && !scheduled.get() && scheduled.compareAndSet(false, true)) {
            try {
                if (schedule()) {
                    sinceScheduled = 0;
                } else {
                    scheduled.set(false);   // the next sampled request tries again
                }
            } catch (RejectedExecutionException e) {
                sinceScheduled = 0;
                scheduled.set(false);
                replay();
            }
        }
    }

    /**
     * Hands a replay to the executor, or returns false when the fork-join task's last run has
     * cleared {@link #scheduled} but is not yet marked done by its pool: it cannot be reused yet,
     * and the producer, which checks on every sampled request once a batch waits, would otherwise
     * catch that instant often enough to allocate a wrapped replay instead. Nothing waits on it:
     * a full ring is still replayed by the producer.
     */
    private boolean schedule() {
        if (task == null) {
            executor.execute(scheduledReplay);
            return true;
        }
        if (!task.isDone()) {
            return false;
        }
        task.reinitialize();
        ((ForkJoinPool) executor).execute(task);
        return true;
    }

    /** {@link #scheduledReplay} as a reusable fork-join task. */
    private final class ReplayTask extends ForkJoinTask<Void> {
        @Override
        public Void getRawResult() {
            return null;
        }

        @Override
        protected void setRawResult(Void value) {
        }

        @Override
        protected boolean exec() {
            scheduledReplay();
            return true;
        }
    }

    /**
     * A scheduled replay: at most a ring's worth, so that a producer that keeps up with it does
     * not hold a thread of a shared pool (Caffeine's maintenance runs there too) for good; what is
     * left is left to the next schedule.
     */
    private void scheduledReplay() {
        try {
            replay(CAPACITY);
        } finally {
            scheduled.set(false);
        }
    }

    /** Replays every sampled request appended so far, on the calling thread. Any thread. */
    void replay() {
        replay(Long.MAX_VALUE);
    }

    private void replay(long most) {
        lock.lock();
        try {
            long head = replayed.get();
            long tail = (long) PUBLISHED.getAcquire(this);
            if (tail - head > most) {
                tail = head + most;
            }
            while (head < tail && !closed) {
                // Published once per stretch, not per request: each publication costs the
                // producer a cache miss on its next look.
                long end = Math.min(tail, head + BATCH);
                for (; head < end; head++) {
                    int i = (int) (head & (CAPACITY - 1)) * FIELDS;
                    long weight = ring[i + 1];
                    replay.request(ring[i], Math.abs(weight), weight < 0, ring[i + 2]);
                }
                replayed.set(head);   // these slots may be written again
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code action} under the feed's lock, between replays: the floor's state (its
     * challenger) changes there.
     */
    void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sampled requests a caller replayed because the ring was full: the executor fell behind (a
     * busy machine, a saturated pool), and the floor's work came back onto the callers' threads.
     */
    long replayedByCaller() {
        return replayedByCaller.sum();
    }

    /** Sampled requests appended and not yet replayed (for tests). */
    long waiting() {
        return published - replayed.get();
    }

    /** A position written by one thread and read by another, alone on its cache lines. */
    @SuppressWarnings("unused")   // the padding is what it is for
    private static final class Position {
        private long p1, p2, p3, p4, p5, p6, p7;
        private volatile long value;
        private long q1, q2, q3, q4, q5, q6, q7;

        long get() {
            return value;
        }

        void set(long v) {
            value = v;
        }
    }

    /** Drops what waits and runs {@code release} under the lock; later replays do nothing. */
    void close(Runnable release) {
        lock.lock();
        try {
            closed = true;
            release.run();
        } finally {
            lock.unlock();
        }
    }
}
