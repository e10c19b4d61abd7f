package io.reflex.harness.nginx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stock and patched NGINX binaries, built (or found up to date) by
 * {@code nginx-sidecar/nginx/build-nginx.sh}, which prints {@code stock=PATH} and
 * {@code patched=PATH} as its last lines. Immutable.
 *
 * @param stock   the stock NGINX 1.22.1 binary (LRU)
 * @param patched the NGINX binary with the Reflex eviction patch
 */
public record NginxBuild(Path stock, Path patched) {

    /** The script's path inside the repository. */
    public static final String SCRIPT = "nginx-sidecar/nginx/build-nginx.sh";

    /**
     * Finds the build script from {@code start} upwards (a repository root, or a module directory
     * inside it).
     *
     * @throws IllegalStateException when no directory on the way holds it
     */
    public static Path findScript(Path start) {
        for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
            for (Path candidate : List.of(d.resolve(SCRIPT), d.resolve("nginx/build-nginx.sh"))) {
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("cannot find " + SCRIPT + " from " + start.toAbsolutePath()
                + " or any directory above it (run from the repository, or pass the script's path)");
    }

    /**
     * Copies both binaries to a private directory, under the build directory's lock when
     * {@code flock} is there, so that a rebuild started later (which replaces the trees) cannot pull
     * them from under a running test or benchmark. NGINX is run with {@code -p} and {@code -c}, so
     * its compiled-in prefix does not matter.
     */
    private static NginxBuild privateCopies(Path stock, Path patched) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("reflex-nginx-bin");
        dir.toFile().deleteOnExit();
        Path s = dir.resolve("nginx-stock");
        Path p = dir.resolve("nginx-patched");
        Path lock = stock.getParent().getParent().getParent().resolve(".lock");
        boolean flock = Files.exists(lock) && new ProcessBuilder("sh", "-c", "command -v flock").start().waitFor() == 0;
        if (flock) {
            Process cp = new ProcessBuilder("flock", lock.toString(), "cp", stock.toString(), s.toString())
                    .inheritIO().start();
            Process cp2 = null;
            if (cp.waitFor() == 0) {
                cp2 = new ProcessBuilder("flock", lock.toString(), "cp", patched.toString(), p.toString()).inheritIO().start();
            }
            if (cp2 == null || cp2.waitFor() != 0) {
                throw new IllegalStateException("cannot copy the NGINX binaries from " + stock.getParent().getParent().getParent());
            }
        } else {
            Files.copy(stock, s);
            Files.copy(patched, p);
        }
        s.toFile().setExecutable(true);
        p.toFile().setExecutable(true);
        s.toFile().deleteOnExit();
        p.toFile().deleteOnExit();
        return new NginxBuild(s, p);
    }

    /**
     * Runs the build script (cached: a no-op when both builds are up to date) and returns private
     * copies of the binaries.
     *
     * @throws IllegalStateException with the script's last lines of output when it fails
     */
    public static NginxBuild build(Path script) throws IOException, InterruptedException {
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("NGINX build script not found: " + script);
        }
        Path log = Files.createTempFile("reflex-nginx-build", ".log");
        {
            Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("NGINX build (" + script + ") took over 30 minutes; log: " + log);
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("NGINX build failed (" + script + ", exit " + p.exitValue() + "): "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size())));
            }
            Path stock = null;
            Path patched = null;
            for (String line : lines) {
                if (line.startsWith("stock=")) {
                    stock = Path.of(line.substring(6).trim());
                } else if (line.startsWith("patched=")) {
                    patched = Path.of(line.substring(8).trim());
                }
            }
            if (stock == null || patched == null || !Files.isExecutable(stock) || !Files.isExecutable(patched)) {
                throw new IllegalStateException("NGINX build (" + script + ") did not report two runnable binaries"
                        + " (stock=" + stock + ", patched=" + patched + ")");
            }
            Files.delete(log);
            return privateCopies(stock, patched);
        }
    }
}
