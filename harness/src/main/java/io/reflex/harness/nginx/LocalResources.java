package io.reflex.harness.nginx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the NGINX harnesses borrow from the machine and give back: a free TCP port on the loopback
 * interface, and the removal of a scratch directory.
 *
 * <p>Stateless and thread-safe.
 */
public final class LocalResources {

    private LocalResources() {
    }

    /**
     * A TCP port free on 127.0.0.1 when asked (another process may take it before it is bound: the
     * harnesses retry a start that fails to bind).
     */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Deletes {@code dir} and everything below it, best effort (files that vanish or resist are left). */
    public static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a temporary directory
        }
    }
}
