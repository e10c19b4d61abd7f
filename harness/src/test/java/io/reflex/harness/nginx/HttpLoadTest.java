package io.reflex.harness.nginx;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load generator against the real local origin (the JDK's HTTP server): plain, paced, stopped. */
class HttpLoadTest {

    static Origin origin;

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = new Origin(2);
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    static List<String> paths(int n) {
        List<String> p = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            p.add("/o/" + i + "?s=" + (100 + i));
        }
        return p;
    }

    @Test
    void aRunSendsEveryRequestAndRecordsEachLatency() throws Exception {
        HttpLoad.Result r = new HttpLoad(origin.port(), paths(300), 3).run();

        assertEquals(300, r.requests());
        assertEquals(0, r.failed(), r.firstError());
        assertEquals(300, r.latencies().length, "one latency per request");
    }

    @Test
    void aPacedRunSendsRequestINoSoonerThanIOverTheRate() throws Exception {
        // 100 requests at 200/s: the last may not leave before 99 / 200 = 0.495 s into the run.
        HttpLoad.Result r = new HttpLoad(origin.port(), paths(100), 2).paced(200).run();

        assertEquals(100, r.requests());
        assertEquals(0, r.failed(), r.firstError());
        assertTrue(r.nanos() >= 495_000_000L, "paced run took " + r.nanos() / 1e6 + " ms");
    }

    @Test
    void stopEndsARunEarlyAndReportsOnlyWhatWasSent() throws Exception {
        HttpLoad load = new HttpLoad(origin.port(), paths(100_000), 2).paced(1_000);   // 100 s if left alone
        HttpLoad.Result[] result = new HttpLoad.Result[1];
        long before = origin.requests();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                result[0] = load.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // Stop once the run is under way (the origin has answered 50 of its requests), not after a guess.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (origin.requests() - before < 50) {
            assertTrue(System.nanoTime() < deadline, "the run reached the origin " + (origin.requests() - before)
                    + " times in 30 s");
            assertTrue(runner.isAlive() || origin.requests() - before >= 50, "the run ended before it was stopped");
            Thread.sleep(1);
        }
        load.stop();
        runner.join(10_000);

        HttpLoad.Result r = result[0];
        assertTrue(r.requests() > 0 && r.requests() < 100_000, "sent " + r.requests());
        assertTrue(r.requests() >= 50, "at least what the origin answered before the stop: sent " + r.requests());
        assertEquals(0, r.failed(), r.firstError());
        assertEquals(r.requests(), r.latencies().length, "one latency per request sent, no empty slots");
    }

    @Test
    void refusesARateOutOfRange() {
        HttpLoad load = new HttpLoad(origin.port(), paths(1), 1);
        assertThrows(IllegalArgumentException.class, () -> load.paced(0));
        assertThrows(IllegalArgumentException.class, () -> load.paced(Double.NaN));
    }
}
