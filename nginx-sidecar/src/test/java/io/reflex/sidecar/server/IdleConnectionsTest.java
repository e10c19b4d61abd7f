package io.reflex.sidecar.server;

import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle and non-reading clients cannot starve the handler pool: every NGINX worker connects as one
 * user, so a limit per peer would not help; the sidecar instead gives the handler of the connection
 * idle the longest to a new one, and drops a peer that does not take its replies.
 */
class IdleConnectionsTest {

    private static final int K = 8;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a starved pool hangs connects: fail instead
    void aFreshClientIsServedWhileHundredsOfIdleAndNonReadingConnectionsAreOpen() throws Exception {
        Path model = TestModels.write(dir.resolve("m.onnx"), 1, K);
        Path socket = dir.resolve("r.sock");
        int handlers = 16;
        List<TestClient> held = new ArrayList<>();
        ExecutorService fresh = Executors.newSingleThreadExecutor();
        try (SidecarServer server = SidecarServer.start(SidecarConfig.builder().socket(socket).model(model)
                .maxConnections(handlers).stallTimeout(Duration.ofMillis(200)).warmupRequests(10).build())) {
            for (int i = 0; i < 100; i++) {
                held.add(new TestClient(socket));                       // connects, never sends
            }
            for (int i = 0; i < 10; i++) {
                TestClient quiet = new TestClient(socket);               // sends, never reads its replies
                for (int r = 0; r < 4; r++) {
                    quiet.out.evict(quiet.channel, 1000 + r, K, TestClient.features(K, r));
                }
                held.add(quiet);
            }
            // a fresh client's requests keep getting replies (each round trip bounded by a timeout)
            Future<Integer> answered = fresh.submit(() -> {
                int n = 0;
                try (TestClient c = new TestClient(socket)) {
                    for (int i = 0; i < 200; i++) {
                        assertNotEquals(0, c.evict(i, K));
                        n++;
                    }
                }
                return n;
            });
            assertEquals(200, answered.get(30, TimeUnit.SECONDS));
            assertTrue(server.metrics().connectionsIdleClosed() >= 110 - handlers,
                    "idle connections closed to make room: " + server.metrics().connectionsIdleClosed());
            // and a newcomer after that is served as well
            try (TestClient late = new TestClient(socket)) {
                assertNotEquals(0, late.evict(9999, K));
            }
        } finally {
            fresh.shutdownNow();
            for (TestClient c : held) {
                c.close();
            }
        }
    }
}
