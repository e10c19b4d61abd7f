package io.reflex.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a class's {@code main} in a fresh JVM with options of the test's choosing: {@code -Xint} for
 * the determinism tests (what it prints is compared with what the same code computes in the test's
 * JVM once the JIT has compiled it), compiler directives for the allocation tests (the JIT's
 * inlining switched off). Shared with the trainer's tests through the engine's test jar.
 *
 * <p>Stateless. The child's output goes to temporary files, so a child that hangs fails the test
 * at the time limit instead of blocking it on a pipe.
 */
public final class ForkedJvm {

    private static final long LIMIT_SECONDS = 120;

    private ForkedJvm() {
    }

    /**
     * What {@code main} prints to stdout in a JVM started with {@code options} (and the Vector API
     * module); fails the test if it does not finish or fails.
     */
    public static String stdoutOf(Class<?> main, String... options) throws IOException, InterruptedException {
        Path out = Files.createTempFile("reflex-forked", ".out");
        Path err = Files.createTempFile("reflex-forked", ".err");
        try {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(options));
            command.addAll(List.of("--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    main.getName()));
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean finished = p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            assertTrue(finished, "the forked JVM (" + String.join(" ", options) + ") did not finish in " + LIMIT_SECONDS + " s");
            assertEquals(0, p.exitValue(), "the forked JVM (" + String.join(" ", options) + ") failed: " + Files.readString(err, StandardCharsets.UTF_8));
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
