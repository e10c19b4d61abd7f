package io.reflex.sidecar;

import io.reflex.sidecar.server.SidecarConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SidecarMain}'s command line: a bad option is refused with one line that names it. */
class SidecarMainTest {

    @Test
    void badOptionsExitWithOneLineNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SidecarMain.parse(new String[] {"--socket", "/tmp/x.sock", "--model", "m.onnx", "--deadline", "5 parsecs"}));
        assertTrue(e.getMessage().contains("not a duration: '5 parsecs'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SidecarMain.parse(new String[] {"--sokcet", "x"}));
        assertTrue(e.getMessage().contains("unknown option --sokcet"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SidecarMain.parse(new String[] {"--model", "m.onnx"}));
        assertTrue(e.getMessage().contains("needs a socket path"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SidecarMain.parse(new String[] {"--socket", "/tmp/x.sock",
                "--model", "m.onnx", "--access-log", "/var/log/nginx/access.log"}));
        assertTrue(e.getMessage().contains("--access-log needs --cache-max-size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SidecarMain.parse(new String[] {"--socket", "/tmp/x.sock",
                "--model", "m.onnx", "--access-log", "a.log", "--cache-max-size", "25x"}));
        assertTrue(e.getMessage().contains("not a size: '25x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SidecarMain.parse(new String[] {"--socket", "/tmp/x.sock",
                "--model", "m.onnx", "--cache-max-size", "25m"}));
        assertTrue(e.getMessage().contains("needs --access-log"), e.getMessage());
    }

    @Test
    void sizesAreReadAsNginxWritesMaxSize() {
        assertEquals(25L << 20, SidecarConfig.parseSize("25m"));
        assertEquals(1L << 30, SidecarConfig.parseSize("1G"));
        assertEquals(512L << 10, SidecarConfig.parseSize("512KB"));
        assertEquals(4096, SidecarConfig.parseSize("4096"));
    }
}
