package io.reflex.sidecar.server;

import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting a sidecar: one per socket path, and nothing left behind by a start that fails. */
class SidecarStartTest {

    @TempDir
    Path dir;

    private SidecarConfig.Builder config(Path model, Path socket) {
        return SidecarConfig.builder().socket(socket).model(model).warmupRequests(10);
    }

    /** Names in {@code dir} other than the model, the socket's lock file and {@code also}. */
    private long leftovers(Path model, Path socket) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> !f.equals(model) && !f.equals(SocketLock.fileOf(socket))).count();
        }
    }

    @Test
    void aSecondSidecarOnAPathWhoseLockIsHeldIsRefusedNamingTheLock() throws Exception {
        Path model = TestModels.write(dir.resolve("m.onnx"), 1, 8);
        Path socket = dir.resolve("r.sock");
        // another process starting on the same path holds its lock (here: this JVM, the same refusal)
        try (FileChannel ch = FileChannel.open(SocketLock.fileOf(socket), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SidecarServer.start(config(model, socket).build()));
            assertTrue(e.getMessage().contains("another sidecar") && e.getMessage().contains("r.sock.lock"),
                    e.getMessage());
            assertFalse(Files.exists(socket), "no socket published");
        }
    }

    @Test
    void twoSidecarsStartedTogetherOnOnePathGiveOneThatServesAndOneRefusal() throws Exception {
        Path model = TestModels.write(dir.resolve("m.onnx"), 1, 8);
        Path socket = dir.resolve("r.sock");
        SidecarServer[] started = new SidecarServer[2];
        Throwable[] failed = new Throwable[2];
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int n = i;
            threads[i] = new Thread(() -> {
                try {
                    started[n] = SidecarServer.start(config(model, socket).build());
                } catch (Throwable t) {
                    failed[n] = t;
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        try {
            int up = (started[0] != null ? 1 : 0) + (started[1] != null ? 1 : 0);
            assertEquals(1, up, "exactly one sidecar serves the path");
            Throwable refusal = failed[0] != null ? failed[0] : failed[1];
            assertTrue(refusal instanceof IllegalStateException, String.valueOf(refusal));
            try (TestClient c = new TestClient(socket)) {
                assertNotEquals(0, c.evict(1, 8), "the one that reported ready is the one on the path");
            }
        } finally {
            for (SidecarServer s : started) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aSocketServedByAnotherProgramIsNeverReplaced() throws Exception {
        Path model = TestModels.write(dir.resolve("m.onnx"), 1, 8);
        Path socket = dir.resolve("r.sock");
        try (java.nio.channels.ServerSocketChannel live = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            live.bind(java.net.UnixDomainSocketAddress.of(socket));   // accepting (the backlog), not a sidecar
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SidecarServer.start(config(model, socket).build()));
            assertTrue(e.getMessage().contains("served by a running process"), e.getMessage());
            assertTrue(Files.exists(socket), "the other program's socket is left alone");
        }
    }

    @Test
    void aMetricsPortInUseFailsTheStartNamingThePortAndLeavesNoSocket() throws Exception {
        Path model = TestModels.write(dir.resolve("m.onnx"), 1, 8);
        Path socket = dir.resolve("r.sock");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class,
                    () -> SidecarServer.start(config(model, socket).metricsPort(taken.getLocalPort()).build()));
            assertTrue(e.getMessage().contains("metrics port " + taken.getLocalPort()), e.getMessage());
        }
        assertFalse(Files.exists(socket), "the published socket is removed again");
        assertEquals(0, leftovers(model, socket), "no private directory or socket left behind");
        // and the path is free for the next start
        try (SidecarServer s = SidecarServer.start(config(model, socket).build()); TestClient c = new TestClient(socket)) {
            assertNotEquals(0, c.evict(2, 8));
        }
    }

    @Test
    void thePrivateDirectoryOfASidecarKilledWhileWarmingUpIsRemovedByTheNextStart() throws Exception {
        Path model = TestModels.write(dir.resolve("m.onnx"), 1, 8);
        Path socket = dir.resolve("r.sock");
        Path stale = Files.createDirectory(dir.resolve(".rxs-r.sock-12345"));
        Files.writeString(stale.resolve("s"), "");      // what a SIGKILL during warm-up leaves
        try (SidecarServer s = SidecarServer.start(config(model, socket).build())) {
            assertFalse(Files.exists(stale), "the leftover directory is gone");
            assertEquals(1, leftovers(model, socket), "only the socket itself");
        }
    }
}
