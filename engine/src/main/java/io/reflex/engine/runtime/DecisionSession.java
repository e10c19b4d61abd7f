package io.reflex.engine.runtime;

import io.reflex.engine.policy.Policy;

import java.util.concurrent.locks.LockSupport;

/**
 * One thread's decisions in a {@link DecisionRuntime}: it holds an evaluator of the serving model
 * version, moves to a new version at the first decision after a swap (so a decision uses exactly
 * one version, never a mix), and applies the deadline, breaker and fallback.
 *
 * <p>Not thread-safe: one thread at a time. {@link #decide} allocates nothing except on the first
 * decision after a swap, which creates the new version's evaluator.
 */
public final class DecisionSession implements AutoCloseable {

    private final DecisionRuntime rt;
    private ServingPolicy held;
    private Policy.Evaluator evaluator;
    private boolean shapeMatches;
    /** The held policy is a per-row model run over the loop's rows (read by the worker after a volatile hand-off). */
    private boolean perRow;
    private ModelVersion lastVersion;
    private int sampleCountdown;
    private final AsyncWorker worker;

    DecisionSession(DecisionRuntime rt) {
        this.rt = rt;
        this.sampleCountdown = rt.latencySampling;
        this.worker = rt.mode == DecisionRuntime.Mode.ASYNC ? new AsyncWorker(rt.inputSize, rt.outputSize) : null;
    }

    /**
     * Makes one decision: {@code output} receives the policy's output, or the fallback's.
     *
     * @param input  the loop's input size
     * @param output the loop's output size
     * @return null when the policy decided, else why the fallback did
     */
    public FallbackCause decide(float[] input, float[] output) {
        if (held != rt.store.peek() && (worker == null || worker.idle())) {
            switchVersion();
        }
        if (held == null) {
            return fallback(FallbackCause.NO_POLICY, input, output);
        }
        if (!shapeMatches) {
            return fallback(FallbackCause.WRONG_SHAPE, input, output);
        }
        if (rt.demoted()) {
            return fallback(FallbackCause.DEMOTED, input, output);
        }
        if (worker != null && !worker.idle()) {
            // Still busy with a late decision, which was already counted against the policy.
            return fallback(FallbackCause.WORKER_BUSY, input, output);
        }
        if (!rt.breaker.allow()) {
            return fallback(FallbackCause.BREAKER_OPEN, input, output);
        }
        long start = System.nanoTime();
        FallbackCause cause = worker == null ? evaluateInline(input, output) : worker.evaluate(input, output, start);
        long elapsed = System.nanoTime() - start;
        // Without a deadline (NO_DEADLINE, Long.MAX_VALUE) no elapsed time is late: the outcome never depends on the clock.
        if (cause == null && elapsed > rt.deadlineNanos) {
            cause = FallbackCause.DEADLINE;
        }
        if (cause == null && !finite(output, rt.outputSize)) {
            cause = FallbackCause.NON_FINITE_OUTPUT;
        }
        rt.breaker.record(cause != null);
        if (--sampleCountdown == 0) {
            sampleCountdown = rt.latencySampling;
            rt.metrics.latency(elapsed);
        }
        if (cause != null) {
            return fallback(cause, input, output);
        }
        rt.metrics.policyDecision();
        lastVersion = held.version;
        return null;
    }

    /** The version that made the last decision, or null when the fallback made it. */
    public ModelVersion lastVersion() {
        return lastVersion;
    }

    private FallbackCause evaluateInline(float[] input, float[] output) {
        try {
            run(evaluator, input, output);
            return null;
        } catch (RuntimeException e) {
            return FallbackCause.POLICY_ERROR;
        }
    }

    private void run(Policy.Evaluator e, float[] input, float[] output) {
        if (perRow) {
            e.evaluateRows(input, rt.rows, output, rt.sharedFrom, rt.sharedTo);
        } else {
            e.evaluate(input, output);
        }
    }

    private FallbackCause fallback(FallbackCause cause, float[] input, float[] output) {
        rt.metrics.fallback(cause);
        lastVersion = null;
        rt.fallback.decide(input, output);
        return cause;
    }

    private void switchVersion() {
        ServingPolicy next = rt.store.acquire();
        if (evaluator != null) {
            evaluator.close();
            evaluator = null;
        }
        if (held != null) {
            held.release();
        }
        held = next;
        shapeMatches = false;
        perRow = false;
        if (next != null) {
            Policy p = next.policy;
            shapeMatches = p.inputSize() == rt.inputSize && p.outputSize() == rt.outputSize;
            if (!shapeMatches && rt.rows > 1 && p.input().dim(0) == 1
                    && (long) p.inputSize() * rt.rows == rt.inputSize && (long) p.outputSize() * rt.rows == rt.outputSize) {
                shapeMatches = true;
                perRow = true;
            }
            evaluator = p.newEvaluator();
            if (worker != null) {
                worker.evaluator = evaluator;
            }
        }
    }

    private static boolean finite(float[] v, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(v[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops the worker, if any, after the evaluation it may still be running (a late one), then
     * releases the held version (closing it if it was replaced).
     */
    @Override
    public void close() {
        if (worker != null) {
            worker.stop();
        }
        if (evaluator != null) {
            evaluator.close();
            evaluator = null;
        }
        if (held != null) {
            held.release();
            held = null;
        }
    }

    /**
     * The asynchronous mode's worker: one daemon thread that evaluates the session's requests. The
     * hand-off is two volatile counters; the caller spins until the result or the deadline. The
     * worker spins for 50 µs after each decision before it parks, so a busy loop pays a hand-off of
     * a few hundred nanoseconds rather than a thread wake-up.
     */
    private final class AsyncWorker implements Runnable {
        private static final long SPIN_NANOS = 50_000;
        private final float[] in;
        private final float[] out;
        private final Thread thread;
        volatile Policy.Evaluator evaluator;
        private volatile long requested;
        private volatile long completed;
        private volatile boolean failed;
        private volatile boolean stopped;

        AsyncWorker(int inputSize, int outputSize) {
            this.in = new float[inputSize];
            this.out = new float[outputSize];
            this.thread = Thread.ofPlatform().daemon().name("reflex-" + rt.loop + "-async").unstarted(this);
            thread.start();
        }

        boolean idle() {
            return requested == completed;
        }

        FallbackCause evaluate(float[] input, float[] output, long start) {
            System.arraycopy(input, 0, in, 0, in.length);
            long ticket = requested + 1;
            requested = ticket;
            LockSupport.unpark(thread);
            long deadline = start + rt.deadlineNanos;
            while (completed != ticket) {
                if (System.nanoTime() - deadline > 0) {
                    return FallbackCause.DEADLINE;
                }
                Thread.onSpinWait();
            }
            if (failed) {
                return FallbackCause.POLICY_ERROR;
            }
            System.arraycopy(out, 0, output, 0, out.length);
            return null;
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!stopped) {
                long r = requested;
                if (r == completed) {
                    // Spin briefly before parking: back-to-back decisions then skip the wake-up latency.
                    if (System.nanoTime() - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    continue;
                }
                boolean error = false;
                try {
                    DecisionSession.this.run(evaluator, in, out);
                } catch (RuntimeException e) {
                    error = true;
                }
                failed = error;
                completed = r;
                idleSince = System.nanoTime();
            }
        }

        /**
         * Stops the worker and waits for it, however long a late evaluation still under way takes:
         * the evaluator and the model are closed next, and closing them under a running evaluation
         * would free native memory ONNX Runtime is still using (a JVM crash, not an exception).
         */
        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
