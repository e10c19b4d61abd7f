package io.reflex.engine.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The circuit breaker's state machine, driven by a manual clock so that cool-downs are exact. */
class CircuitBreakerTest {

    private static final Duration COOL_DOWN = Duration.ofMillis(250);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private CircuitBreaker breaker(int window, int threshold, int probes) {
        return CircuitBreaker.builder().window(window).failureThreshold(threshold).coolDown(COOL_DOWN)
                .probes(probes).clock(clock::get).build();
    }

    /** Sends one decision through the breaker, as a session does: allow, then record. */
    private static boolean decide(CircuitBreaker b, boolean fails) {
        if (!b.allow()) {
            return false;
        }
        b.record(fails);
        return true;
    }

    private CircuitBreaker tripped(int window, int threshold, int probes) {
        CircuitBreaker b = breaker(window, threshold, probes);
        for (int i = 0; i < threshold; i++) {
            decide(b, true);
        }
        assertEquals(BreakerState.OPEN, b.state());
        return b;
    }

    @Test
    void opensWhenFailuresInTheWindowReachTheThreshold() {
        CircuitBreaker b = breaker(20, 5, 3);
        SplittableRandom random = new SplittableRandom(11);
        // Successes spread among the first four failures: still below the threshold.
        int failures = 0;
        while (failures < 4) {
            boolean fails = random.nextInt(3) == 0;
            assertTrue(decide(b, fails));
            failures += fails ? 1 : 0;
            assertEquals(BreakerState.CLOSED, b.state());
        }

        assertTrue(decide(b, true));

        assertEquals(BreakerState.OPEN, b.state());
        assertEquals(1, b.trips());
    }

    @Test
    void staysClosedWhileFailuresStayBelowTheThreshold() {
        CircuitBreaker b = breaker(10, 3, 3);
        SplittableRandom random = new SplittableRandom(12);
        // Failures at seeded gaps of 5 to 8 decisions: never three in any window of ten.
        int nextFailure = random.nextInt(5);
        for (int i = 0; i < 1_000; i++) {
            boolean fails = i == nextFailure;
            if (fails) {
                nextFailure += 5 + random.nextInt(4);
            }
            assertTrue(decide(b, fails), "decision " + i);
        }
        assertEquals(BreakerState.CLOSED, b.state());
        assertEquals(0, b.trips());
    }

    @Test
    void forgetsFailuresThatSlideOutOfTheWindow() {
        CircuitBreaker b = breaker(4, 2, 1);
        decide(b, true);
        for (int i = 0; i < 4; i++) {
            decide(b, false);
        }

        decide(b, true);

        assertEquals(BreakerState.CLOSED, b.state(), "the first failure left the window of 4");
        decide(b, true);
        assertEquals(BreakerState.OPEN, b.state(), "two failures within the last 4 decisions");
    }

    @Test
    void openBreakerRefusesEveryDecisionUntilTheCoolDownHasPassed() {
        CircuitBreaker b = tripped(10, 3, 2);

        for (int i = 0; i < 100; i++) {
            assertFalse(b.allow());
        }
        clock.addAndGet(COOL_DOWN.toNanos() - 1);
        assertFalse(b.allow());
        assertEquals(BreakerState.OPEN, b.state());
    }

    @Test
    void halfOpensAfterTheCoolDownAndHandsOutOnlyItsProbes() {
        CircuitBreaker b = tripped(10, 3, 3);
        clock.addAndGet(COOL_DOWN.toNanos());

        assertTrue(b.allow());
        assertEquals(BreakerState.HALF_OPEN, b.state());
        assertTrue(b.allow());
        assertTrue(b.allow());
        assertFalse(b.allow(), "three probes are out; the rest fall back until they report");
        assertEquals(BreakerState.HALF_OPEN, b.state());
    }

    @Test
    void closesWithAnEmptyWindowWhenEveryProbeSucceeds() {
        CircuitBreaker b = tripped(10, 3, 3);
        clock.addAndGet(COOL_DOWN.toNanos());

        for (int i = 0; i < 3; i++) {
            assertTrue(b.allow());
            assertEquals(BreakerState.HALF_OPEN, b.state());
            b.record(false);
        }

        assertEquals(BreakerState.CLOSED, b.state());
        // The failures that opened it are forgotten: two more stay below the threshold of three.
        decide(b, true);
        decide(b, true);
        assertEquals(BreakerState.CLOSED, b.state());
        decide(b, true);
        assertEquals(BreakerState.OPEN, b.state());
        assertEquals(2, b.trips());
    }

    @Test
    void reopensOnTheFirstFailingProbeAndRestartsTheCoolDown() {
        CircuitBreaker b = tripped(10, 3, 3);
        clock.addAndGet(COOL_DOWN.toNanos());
        assertTrue(b.allow());
        b.record(false);
        assertTrue(b.allow());

        b.record(true);

        assertEquals(BreakerState.OPEN, b.state());
        assertEquals(2, b.trips());
        clock.addAndGet(COOL_DOWN.toNanos() - 1);
        assertFalse(b.allow(), "the cool-down runs from the reopening");
        clock.addAndGet(1);
        assertTrue(b.allow());
        assertEquals(BreakerState.HALF_OPEN, b.state());
    }

    @Test
    void countsEveryTripFromClosedAndFromHalfOpen() {
        CircuitBreaker b = breaker(5, 2, 1);
        SplittableRandom random = new SplittableRandom(13);
        int expectedTrips = 0;
        for (int round = 0; round < 20; round++) {
            decide(b, true);
            decide(b, true);
            expectedTrips++;
            assertEquals(BreakerState.OPEN, b.state());
            clock.addAndGet(COOL_DOWN.toNanos() + random.nextInt(1000));
            if (random.nextBoolean()) {
                assertTrue(decide(b, true));
                expectedTrips++;
                assertEquals(BreakerState.OPEN, b.state());
                clock.addAndGet(COOL_DOWN.toNanos());
            }
            assertTrue(decide(b, false));
            assertEquals(BreakerState.CLOSED, b.state());
        }
        assertEquals(expectedTrips, b.trips());
    }

    @Test
    void aZeroCoolDownHalfOpensAtTheNextDecision() {
        CircuitBreaker b = CircuitBreaker.builder().window(3).failureThreshold(1).coolDown(Duration.ZERO)
                .probes(1).clock(clock::get).build();
        decide(b, true);
        assertEquals(BreakerState.OPEN, b.state());

        assertTrue(b.allow());
        assertEquals(BreakerState.HALF_OPEN, b.state());
    }

    @Test
    void stateCodesAreTheGaugeValues() {
        assertEquals(0, BreakerState.CLOSED.code());
        assertEquals(1, BreakerState.OPEN.code());
        assertEquals(2, BreakerState.HALF_OPEN.code());
    }

    @Test
    void builderRefusesSettingsThatCannotWork() {
        assertMessage(() -> CircuitBreaker.builder().window(0), "window must be in [1, 1048576] decisions, got 0");
        assertMessage(() -> CircuitBreaker.builder().window((1 << 20) + 1),
                "window must be in [1, 1048576] decisions, got 1048577");
        assertMessage(() -> CircuitBreaker.builder().failureThreshold(0), "failure threshold must be >= 1, got 0");
        assertMessage(() -> CircuitBreaker.builder().coolDown(Duration.ofMillis(-1)),
                "cool-down must not be negative, got PT-0.001S");
        assertMessage(() -> CircuitBreaker.builder().probes(0), "probes must be >= 1, got 0");
        assertMessage(() -> CircuitBreaker.builder().window(10).failureThreshold(11).build(),
                "failure threshold 11 can never be reached in a window of 10");
        NullPointerException npe = assertThrows(NullPointerException.class, () -> CircuitBreaker.builder().clock(null));
        assertEquals("clock", npe.getMessage());
    }

    private static void assertMessage(Executable call, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::execute);
        assertEquals(message, e.getMessage());
    }

    @FunctionalInterface
    private interface Executable {
        void execute();
    }
}
