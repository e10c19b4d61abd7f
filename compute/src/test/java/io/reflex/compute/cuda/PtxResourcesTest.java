package io.reflex.compute.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PTX the GPU backend loads is in the jar and well-formed, checked without a GPU: the header
 * directives, every {@link Kernel}'s {@code .entry} with its parameter count, balanced braces, and no
 * entry the Java side does not launch; then, where {@code ptxas} is on the PATH, assembled for sm_75
 * and sm_90 (the driver JIT-compiles the same text on a GPU host).
 */
class PtxResourcesTest {

    private static final Pattern ENTRY = Pattern.compile("\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");

    private static String text(String resource) {
        byte[] image = Kernel.ptx(resource);
        assertEquals(0, image[image.length - 1], "cuModuleLoadData needs a NUL-terminated image");
        return new String(image, 0, image.length - 1, StandardCharsets.US_ASCII);
    }

    private static List<String> resources() {
        return List.of("elementwise.ptx", "gemm.ptx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"elementwise.ptx", "gemm.ptx"})
    void declaresTheIsaTargetAndAddressSizeFirst(String resource) {
        String ptx = text(resource);
        List<String> directives = ptx.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("//")).limit(3).toList();
        assertEquals(List.of(".version 7.0", ".target sm_70", ".address_size 64"), directives, resource);
    }

    @ParameterizedTest
    @ValueSource(strings = {"elementwise.ptx", "gemm.ptx"})
    void bracesAndParenthesesBalance(String resource) {
        String code = text(resource).lines().map(l -> l.contains("//") ? l.substring(0, l.indexOf("//")) : l)
                .reduce("", (a, b) -> a + b + "\n");
        int braces = 0;
        int parens = 0;
        for (char c : code.toCharArray()) {
            braces += c == '{' ? 1 : c == '}' ? -1 : 0;
            parens += c == '(' ? 1 : c == ')' ? -1 : 0;
            assertTrue(braces >= 0 && parens >= 0, resource + ": a closing brace or parenthesis before its opening");
        }
        assertEquals(0, braces, resource + ": unbalanced braces");
        assertEquals(0, parens, resource + ": unbalanced parentheses");
    }

    @Test
    void everyKernelTheJavaSideLaunchesIsAnEntryWithItsParameterCountAndNoOtherEntryExists() {
        Set<String> declared = new TreeSet<>();
        for (String resource : resources()) {
            Matcher m = ENTRY.matcher(text(resource));
            while (m.find()) {
                String entry = m.group(1);
                declared.add(resource + ":" + entry);
                long params = m.group(2).lines().filter(l -> l.strip().startsWith(".param")).count();
                Kernel kernel = null;
                for (Kernel k : Kernel.values()) {
                    if (k.entry().equals(entry)) {
                        kernel = k;
                    }
                }
                assertTrue(kernel != null, resource + " declares " + entry + ", which no Kernel launches");
                assertEquals(kernel.resource(), resource, entry);
                assertEquals(kernel.parameters(), params, entry + "'s parameters");
            }
        }
        Set<String> expected = new TreeSet<>();
        for (Kernel k : Kernel.values()) {
            expected.add(k.resource() + ":" + k.entry());
        }
        assertEquals(expected, declared);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sm_75", "sm_90"})
    void ptxasAssemblesEveryResourceWhenItIsOnThePath(String gpu) throws Exception {
        Path ptxas = onPath("ptxas");
        assumeTrue(ptxas != null, "ptxas is not on the PATH: the PTX is checked structurally only");
        Path dir = Files.createTempDirectory("reflex-ptx");
        try {
            for (String resource : resources()) {
                Path src = dir.resolve(resource);
                Files.writeString(src, text(resource), StandardCharsets.US_ASCII);
                Process p = new ProcessBuilder(ptxas.toString(), "--gpu-name", gpu, "-o", dir.resolve(resource + ".cubin").toString(),
                        src.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ptxas timed out on " + resource);
                assertEquals(0, p.exitValue(), "ptxas --gpu-name " + gpu + " " + resource + ":\n" + out);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static Path onPath(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool);
            }
        }
        return null;
    }
}
