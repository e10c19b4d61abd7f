package io.reflex.sidecar;

import org.junit.jupiter.api.Test;

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
    }
}
