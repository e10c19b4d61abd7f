package io.reflex.engine.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without {@code --add-modules jdk.incubator.vector} the engine says so instead of a bare NoClassDefFoundError. */
class VectorModuleTest {

    /** Run in a JVM started without the flag: loads policies as an embedder would. */
    public static final class Probe {
        public static void main(String[] args) {
            try {
                PolicyLoader.defaults();
                System.out.println("loaded");
            } catch (IllegalStateException e) {
                System.out.println("refused: " + e.getMessage());
            }
        }
    }

    @Test
    void thisJvmHasTheModule() {
        assertTrue(VectorModule.present());
        VectorModule.require();
    }

    @Test
    void aJvmWithoutTheFlagIsToldWhichFlagToAdd() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Probe.class.getName()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("refused: Reflex needs the JVM flag --add-modules jdk.incubator.vector"), out);
    }
}
