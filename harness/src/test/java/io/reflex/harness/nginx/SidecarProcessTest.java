package io.reflex.harness.nginx;

import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sidecar as a process of its own: SIGTERM stops it cleanly; SIGKILL leaves a socket the next one replaces. */
class SidecarProcessTest {

    @TempDir
    Path dir;

    @Test
    void sigtermFinishesCleanlyAndRemovesTheSocket() throws Exception {
        Path model = TestModels.write(dir.resolve("m.onnx"), 3, 8);
        Path socket = dir.resolve("s.sock");
        SidecarProcess p = SidecarProcess.start(socket, model, -1, dir.resolve("log.txt"));
        try (TestClient c = new TestClient(socket)) {
            assertNotEquals(0, c.evict(1, 8));
            assertEquals(143, p.stop(), "the JVM's exit status after SIGTERM (128 + 15), once the hook has run");
        }
        assertFalse(Files.exists(socket), "the socket file is removed");
        String log = p.logText();
        assertTrue(log.contains("signal received: stopping") && log.contains("stopped; socket"), log);
    }

    @Test
    void aSigtermTheMomentTheSocketAnswersStillStopsCleanly() throws Exception {
        Path model = TestModels.write(dir.resolve("m.onnx"), 3, 8);
        for (int i = 0; i < 3; i++) {
            Path socket = dir.resolve("now" + i + ".sock");
            SidecarProcess p = SidecarProcess.start(socket, model, -1, dir.resolve("now" + i + ".txt"));
            // No request first: the signal lands while the main thread may still be finishing start-up.
            assertEquals(143, p.stop(), "exit status after SIGTERM, run " + i);
            assertFalse(Files.exists(socket), "the socket file is removed, run " + i);
            assertTrue(p.logText().contains("stopped; socket"), p.logText());
        }
    }

    @Test
    void aKilledSidecarsSocketIsReplacedByTheNextOne() throws Exception {
        Path model = TestModels.write(dir.resolve("m.onnx"), 3, 8);
        Path socket = dir.resolve("s.sock");
        SidecarProcess first = SidecarProcess.start(socket, model, -1, dir.resolve("log1.txt"));
        first.kill();
        assertTrue(Files.exists(socket), "SIGKILL leaves the socket file behind");
        try (SidecarProcess second = SidecarProcess.start(socket, model, -1, dir.resolve("log2.txt"));
             TestClient c = new TestClient(socket)) {
            assertNotEquals(0, c.evict(2, 8));
            assertTrue(second.logText().contains("removed stale socket"));
        }
    }
}
