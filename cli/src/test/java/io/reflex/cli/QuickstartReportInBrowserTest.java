package io.reflex.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The quickstart's report as a person sees it: a small quickstart run, its report opened by headless
 * Chromium. The page as the browser built it must hold every chart, the browser's console must stay
 * silent (the report has no script, so any message is a fault), and a screenshot is left in
 * {@code target/quickstart-report/report.png}, beside the report, for a person to look at. Skipped
 * where no {@code chromium} is on the PATH ({@code .ci/run} installs Debian's package when run as
 * root).
 */
class QuickstartReportInBrowserTest {

    /** Where the report and its screenshot stay after the run (the module's build folder). */
    private static final Path OUT = Path.of("target", "quickstart-report");
    private static final long BROWSER_SECONDS = 120;
    /** Tall enough for the whole page; the white below it is cut from the screenshot. */
    private static final int WINDOW_HEIGHT = 9000;
    private static final int WINDOW_WIDTH = 1100;
    /** The learned policy's line colour in the hit-ratio charts ({@code ChartStyle.REFLEX}). */
    private static final int REFLEX_BLUE = 0x0057d9;

    @TempDir
    Path scratch;

    private record Browser(String dom, List<String> console, String log) {
    }

    static Optional<Path> chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void theReportShowsEveryChartWithASilentConsole() throws Exception {
        Path browser = chromium().orElse(null);
        assumeTrue(browser != null, "no chromium on the PATH, so the quickstart report was not checked in a browser "
                + "(Debian: apt-get install chromium; .ci/run installs it when run as root)");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(new String[] {"quickstart", "--out", OUT.toString(), "--requests", "3000",
            "--steps", "100", "--sizes", "2MB,8MB", "--eval-seeds", "2,3", "--real-sizes", "200,2000"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, exit, err.toString());
        Path report = OUT.resolve("report.html").toAbsolutePath();

        Browser page = open(browser, report, "--dump-dom");
        assertEquals(List.of(), page.console(), "the browser's console spoke while showing " + report);
        List<String> charts = new ArrayList<>();
        Matcher svg = Pattern.compile("<svg[^>]*aria-label=\"([^\"]*)\"").matcher(page.dom());
        while (svg.find()) {
            charts.add(svg.group(1));
        }
        assertEquals(List.of("cache2k-web07: hit ratio by cache size", "trap: hit ratio by cache size",
                "Decision latency (log-scale bins, µs)"), charts, "the charts in the page as the browser built it");
        assertEquals(3, count(page.dom(), "<svg"), "no chart without a label");
        assertTrue(page.dom().contains("Each held-out trace") && page.dom().contains("reflex − best classical"),
                "the tables are there");

        Path screenshot = OUT.resolve("report.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Browser shot = open(browser, report, "--screenshot=" + screenshot, "--hide-scrollbars",
                "--window-size=" + WINDOW_WIDTH + "," + WINDOW_HEIGHT);
        assertEquals(List.of(), shot.console(), "the browser's console spoke while drawing " + report);
        assertTrue(Files.size(screenshot) > 0, "no screenshot: " + shot.log());
        BufferedImage image = trimmed(ImageIO.read(screenshot.toFile()));
        ImageIO.write(image, "png", screenshot.toFile());
        assertTrue(image.getHeight() > 2000 && image.getHeight() < WINDOW_HEIGHT,
                "the page, whole, is " + image.getHeight() + " px tall");
        assertTrue(pixels(image, REFLEX_BLUE) > 500, "the reflex lines are drawn in " + screenshot);
    }

    /** Runs the browser headless on {@code page}; fails when it does not finish in time or fails. */
    private Browser open(Path browser, Path page, String... what) throws Exception {
        List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + scratch.resolve("profile"),
                "--enable-logging=stderr", "--v=0"));
        command.addAll(List.of(what));
        command.add(page.toUri().toString());
        Path stdout = Files.createTempFile(scratch, "stdout", ".txt");
        Path stderr = Files.createTempFile(scratch, "stderr", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(BROWSER_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish in " + BROWSER_SECONDS + " s: " + String.join(" ", command));
        }
        String log = Files.readString(stderr);
        assertEquals(0, p.exitValue(), "chromium failed: " + log);
        // Chromium writes each console message (log, warning, error, uncaught exception) as ":CONSOLE".
        List<String> console = log.lines().filter(l -> l.contains(":CONSOLE") || l.contains("Uncaught")).toList();
        return new Browser(Files.readString(stdout), console, log);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The screenshot less the white below the page. */
    private static BufferedImage trimmed(BufferedImage image) {
        int last = image.getHeight() - 1;
        while (last > 0 && white(image, last)) {
            last--;
        }
        return image.getSubimage(0, 0, image.getWidth(), Math.min(image.getHeight(), last + 40));
    }

    private static boolean white(BufferedImage image, int row) {
        for (int x = 0; x < image.getWidth(); x++) {
            if ((image.getRGB(x, row) & 0xffffff) != 0xffffff) {
                return false;
            }
        }
        return true;
    }

    private static int pixels(BufferedImage image, int rgb) {
        Color wanted = new Color(rgb);
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                Color c = new Color(image.getRGB(x, y));
                if (Math.abs(c.getRed() - wanted.getRed()) + Math.abs(c.getGreen() - wanted.getGreen())
                        + Math.abs(c.getBlue() - wanted.getBlue()) < 24) {
                    n++;
                }
            }
        }
        return n;
    }
}
