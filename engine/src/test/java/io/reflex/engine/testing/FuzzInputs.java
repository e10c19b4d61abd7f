package io.reflex.engine.testing;

import java.util.Locale;

/**
 * Counts the inputs a fuzz target ran and, at the end of a fuzzing run ({@code JAZZER_FUZZ} set),
 * prints {@code FUZZ <target>: <n> inputs in <s> s} through {@link System#err}, which surefire
 * forwards as test output. libFuzzer writes its progress and closing line ({@code Done N runs})
 * to the native standard error, which surefire was seen to stop forwarding partway through a run,
 * and a run's executions are what a fuzzing report cites.
 *
 * <p>Use: a static instance per target, {@link #add()} first in the {@code @FuzzTest} method,
 * {@link #report()} in an {@code @AfterAll}. Not thread-safe: Jazzer runs one input at a time.
 */
public final class FuzzInputs {

    private final String target;
    private final long started = System.nanoTime();
    private long count;

    public FuzzInputs(String target) {
        this.target = target;
    }

    /** Counts one input. */
    public void add() {
        count++;
    }

    /** Inputs counted so far. */
    public long count() {
        return count;
    }

    /** Prints the count when this JVM was fuzzing; silent when it only replayed the corpus. */
    public void report() {
        String fuzz = System.getenv("JAZZER_FUZZ");
        if (fuzz != null && !fuzz.isEmpty() && !fuzz.equals("0")) {
            System.err.printf(Locale.ROOT, "FUZZ %s: %,d inputs in %,d s%n", target, count,
                    (System.nanoTime() - started) / 1_000_000_000L);
        }
    }
}
