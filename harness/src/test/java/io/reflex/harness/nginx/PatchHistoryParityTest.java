package io.reflex.harness.nginx;

import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.eviction.BoundedHistory;
import io.reflex.engine.eviction.HistoryFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NGINX patch's history code against the engine's, bit for bit: the header the patch adds
 * ({@code src/http/ngx_http_file_cache_reflex.h}, plain C) is taken out of
 * {@code nginx/reflex-eviction.patch}, compiled with a small driver, and fed a seeded stream of
 * accesses, fills and hits over request-counter ticks; every row it would send to the sidecar
 * (resident and incoming) must equal, column by column, what {@link AccessHistory} and
 * {@link HistoryFeatures} hold for the same stream. The counters' decay is checked on its own too,
 * bit for bit over gaps in every window up to and past the underflow edge, and so is every entry of
 * the header's decay tables against its definition. The header's slots (a node's record, and the
 * ghosts that keep a deleted node's history for its key's next node) are checked against
 * {@link BoundedHistory} the same way, over a stream of more keys than slots. Needs a C compiler
 * ({@code cc}), as the NGINX tests do; fails naming it when there is none.
 */
class PatchHistoryParityTest {

    static final String HEADER = "src/http/ngx_http_file_cache_reflex.h";

    /**
     * Reads commands on stdin and prints each asked row as 11 hexadecimal float bit patterns, each
     * asked decay or table entry as one hexadecimal double bit pattern.
     */
    static final String DRIVER = """
            #include <stdio.h>
            #include <string.h>
            #include "ngx_http_file_cache_reflex.h"

            #define SLOTS 4096

            static ngx_http_reflex_hist_t  h[SLOTS];
            static int                     seen[SLOTS];

            int main(void) {
                char                cmd;
                unsigned            slot;
                unsigned long long  a, b;
                float               row[NGX_HTTP_REFLEX_WIDTH];
                int                 i;
                uint32_t            v;
                double              d;
                uint64_t            dv;
                const double       *tables[] = { ngx_http_reflex_coarse, ngx_http_reflex_middle,
                                                 ngx_http_reflex_fine };

                while (scanf(" %c %u %llu %llu", &cmd, &slot, &a, &b) == 4) {
                    switch (cmd) {
                    case 'a':                                   /* access at tick a */
                        if (seen[slot]) { ngx_http_reflex_hist_record(&h[slot], a); }
                        else { ngx_http_reflex_hist_first(&h[slot], a); seen[slot] = 1; }
                        break;
                    case 's':                                   /* stored: admitted at its last access */
                        h[slot].admitted = h[slot].last; h[slot].hits = 0;
                        break;
                    case 'h':                                   /* a hit */
                        h[slot].hits++;
                        break;
                    case 'r':                                   /* resident row at tick a, size b */
                    case 'i':                                   /* incoming row, size b */
                        if (cmd == 'r') { ngx_http_reflex_hist_row(&h[slot], a, b, row); }
                        else { ngx_http_reflex_hist_incoming(&h[slot], b, row); }
                        for (i = 0; i < NGX_HTTP_REFLEX_WIDTH; i++) {
                            memcpy(&v, &row[i], 4);
                            printf("%08x%c", v, i + 1 < NGX_HTTP_REFLEX_WIDTH ? ' ' : '\\n');
                        }
                        break;
                    case 'd':                                   /* decay over a gap of a ticks, window 2^b */
                    case 't':                                   /* entry a of table b */
                        d = cmd == 'd' ? ngx_http_reflex_decay(a, (unsigned) b) : tables[b][a];
                        memcpy(&dv, &d, 8);
                        printf("%016llx\\n", (unsigned long long) dv);
                        break;
                    }
                }
                return 0;
            }
            """;

    /**
     * The slots as the patch drives them, on commands over small key numbers, each a node of the
     * zone while it has one: {@code g} prints the ghosts per record; {@code c k fp t} creates key
     * k's node (fingerprint fp) at tick t; {@code a k t} is a later access to it; {@code s k} stores
     * its file; {@code e k} deletes the node; {@code r k t size} and {@code i k size} print its
     * resident and incoming rows; {@code z} prints records, ghosts, restored, recycled.
     */
    static final String GHOST_DRIVER = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include "ngx_http_file_cache_reflex.h"

            #define KEYS 100000

            static uint32_t  rec[KEYS];
            static int       stored[KEYS];
            static char      node[KEYS];

            static void print_row(const float *row) {
                int       i;
                uint32_t  v;
                for (i = 0; i < NGX_HTTP_REFLEX_WIDTH; i++) {
                    memcpy(&v, &row[i], 4);
                    printf("%08x%c", v, i + 1 < NGX_HTTP_REFLEX_WIDTH ? ' ' : '\\n');
                }
            }

            int main(int argc, char **argv) {
                char                     cmd;
                unsigned                 k;
                unsigned long long       a, b;
                float                    row[NGX_HTTP_REFLEX_WIDTH];
                uint32_t                 capacity = (uint32_t) atoi(argv[1]);
                ngx_http_reflex_slots_t  t;
                ngx_http_reflex_hist_t  *h;

                for (k = 0; k < KEYS; k++) { rec[k] = NGX_HTTP_REFLEX_NO_SLOT; }
                ngx_http_reflex_slots_init(&t, malloc(capacity * sizeof(ngx_http_reflex_slot_t)),
                                           malloc(2 * capacity * sizeof(uint32_t)), capacity);

                while (scanf(" %c %u %llu %llu", &cmd, &k, &a, &b) == 4) {
                    h = rec[k] == NGX_HTTP_REFLEX_NO_SLOT ? NULL : &t.slot[rec[k]].hist;
                    switch (cmd) {
                    case 'g':
                        printf("%d\\n", NGX_HTTP_REFLEX_GHOSTS);
                        break;
                    case 'c':                                   /* the node is created by an access */
                        rec[k] = ngx_http_reflex_slots_acquire(&t, a, &node[k], b);
                        stored[k] = 0;
                        break;
                    case 'a':                                   /* as the patch's lookup of a node */
                        if (stored[k]) { h->hits++; }
                        ngx_http_reflex_hist_record(h, a);
                        break;
                    case 's':
                        h->admitted = h->last; h->hits = 0; stored[k] = 1;
                        break;
                    case 'e':
                        ngx_http_reflex_slots_release(&t, rec[k]);
                        rec[k] = NGX_HTTP_REFLEX_NO_SLOT;
                        break;
                    case 'r':
                    case 'i':
                        if (cmd == 'r') { ngx_http_reflex_hist_row(h, a, b, row); }
                        else { ngx_http_reflex_hist_incoming(h, b, row); }
                        print_row(row);
                        break;
                    case 'z':
                        printf("%u %u %llu %llu\\n", t.records, t.ghosts,
                               (unsigned long long) t.restored, (unsigned long long) t.recycled);
                        break;
                    }
                }
                return 0;
            }
            """;

    @TempDir
    Path dir;

    /** The new file's text, from its hunk in the patch (every line of it added). */
    static String headerFromPatch(Path patch) throws IOException {
        List<String> lines = Files.readAllLines(patch, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        boolean in = false;
        boolean body = false;
        for (String line : lines) {
            if (line.startsWith("diff ")) {
                in = line.endsWith("b/" + HEADER);
                body = false;
                continue;
            }
            if (!in) {
                continue;
            }
            if (line.startsWith("@@")) {
                body = true;
            } else if (body && line.startsWith("+")) {
                out.append(line, 1, line.length()).append('\n');
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException(patch + " adds no " + HEADER);
        }
        return out.toString();
    }

    static int run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cc.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
        }
        return p.exitValue();
    }

    /** Compiles the driver around the patch's header: no libm, as the patched NGINX links none for it. */
    private void compileDriver() throws Exception {
        compileDriver(DRIVER);
    }

    private void compileDriver(String source) throws Exception {
        Path patch = NginxBuild.findScript(Path.of("")).resolveSibling("reflex-eviction.patch");
        Files.writeString(dir.resolve("ngx_http_file_cache_reflex.h"), headerFromPatch(patch));
        Files.writeString(dir.resolve("driver.c"), source);
        int rc;
        try {
            rc = run(dir, "cc", "-O2", "-std=gnu99", "-Wall", "-Werror", "-o", "driver", "driver.c");
        } catch (IOException noCompiler) {
            throw new AssertionError("this test compiles the patch's C history code and needs a C compiler (cc): "
                    + noCompiler.getMessage());
        }
        assertEquals(0, rc, () -> "the patch's header does not compile: " + read(dir.resolve("cc.log")));
    }

    /** Runs the driver on {@code commands}; its output lines. */
    private List<String> drive(CharSequence commands, String... args) throws Exception {
        Files.writeString(dir.resolve("commands.txt"), commands);
        List<String> command = new ArrayList<>(List.of(dir.resolve("driver").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(dir.resolve("commands.txt").toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectErrorStream(false).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the driver finishes");
        assertEquals(0, p.exitValue());
        return Files.readAllLines(dir.resolve("out.txt"));
    }

    @Test
    void theDecayAndEveryEntryOfItsTablesAreTheEnginesBitForBit() throws Exception {
        compileDriver();
        StringBuilder commands = new StringBuilder();
        List<Double> expected = new ArrayList<>();
        List<String> what = new ArrayList<>();
        int[] entries = {64, 64, 32};
        int[] divisors = {64, 4096, 131072};
        for (int t = 0; t < entries.length; t++) {
            for (int j = 0; j < entries[t]; j++) {
                expected.add(StrictMath.pow(2.0, -(double) j / divisors[t]));
                what.add("table " + t + " entry " + j + " (2^(-" + j + "/" + divisors[t] + "))");
                commands.append("t 0 ").append(j).append(' ').append(t).append('\n');
            }
        }
        SplittableRandom r = new SplittableRandom(20261219);
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            long w = AccessHistory.edcWindow(i);
            long edge = (AccessHistory.MAX_HALVINGS + 1L) * w;   // the first gap whose decay is 0
            List<Long> gaps = new ArrayList<>(List.of(0L, 1L, 2L, w - 1, w, w + 1, 3 * w - 1, 64 * w + 5,
                    edge - w, edge - 2, edge - 1, edge, edge + 1, 1L << 40, (1L << 53) + 1, Long.MAX_VALUE));
            for (int k = 0; k < 5_000; k++) {
                gaps.add(r.nextLong(1L << r.nextInt(1, 29 + 3 * i)));   // every window's range, to past the edge
            }
            for (long gap : gaps) {
                expected.add(AccessHistory.decay(gap, i));
                what.add("decay of counter " + i + " over " + gap + " ticks");
                commands.append("d 0 ").append(gap).append(' ').append(Long.numberOfTrailingZeros(w)).append('\n');
            }
        }

        List<String> out = drive(commands);

        assertEquals(expected.size(), out.size(), "one line per question");
        for (int n = 0; n < out.size(); n++) {
            double patch = Double.longBitsToDouble(Long.parseUnsignedLong(out.get(n), 16));
            double engine = expected.get(n);
            int line = n;
            assertEquals(Double.doubleToRawLongBits(engine), Double.doubleToRawLongBits(patch),
                    () -> what.get(line) + ": engine " + Double.toHexString(engine) + ", patch " + Double.toHexString(patch));
        }
    }

    @Test
    void thePatchKeepsHistoryAndBuildsRowsBitForBitAsTheEngine() throws Exception {
        compileDriver();

        // the stream: accesses over request-counter ticks to a skewed set of objects, fills and hits,
        // and rows asked at random moments; gaps from 0 to 2^31 ticks reach every counter's decay range
        // and its underflow edge (1022 windows: 2^18 to 2^27 ticks), a few jumps far beyond
        int slots = 300;
        SplittableRandom r = new SplittableRandom(20261218);
        AccessHistory history = new AccessHistory(slots);
        long[] admitted = new long[slots];
        long[] hits = new long[slots];
        boolean[] stored = new boolean[slots];
        long[] size = new long[slots];
        for (int o = 0; o < slots; o++) {
            size[o] = 1 + r.nextLong(1L << (4 + r.nextInt(34)));
        }
        StringBuilder commands = new StringBuilder();
        List<float[]> expected = new ArrayList<>();
        List<String> what = new ArrayList<>();
        HistoryFeatures f = new HistoryFeatures(1);
        long tick = r.nextLong(1L << 40);
        for (int step = 0; step < 40_000; step++) {
            tick += r.nextInt(8) == 0 ? r.nextLong(1L << r.nextInt(32)) : r.nextInt(5000) == 0 ? 1L << 45 : 1;
            int o = (int) Math.min(slots - 1, (long) (slots * Math.pow(r.nextDouble(), 3)));
            if (stored[o]) {
                hits[o]++;
                commands.append("h ").append(o).append(" 0 0\n");
            }
            history.record(o, tick);
            commands.append("a ").append(o).append(' ').append(tick).append(" 0\n");
            if (!stored[o] && r.nextInt(3) > 0) {
                stored[o] = true;
                admitted[o] = tick;
                hits[o] = 0;
                commands.append("s ").append(o).append(" 0 0\n");
                if (r.nextInt(4) == 0) {
                    f.incoming(0, history, o, tick, size[o]);
                    expected.add(raw(f));
                    what.add("incoming " + o + " at " + tick);
                    commands.append("i ").append(o).append(" 0 ").append(size[o]).append('\n');
                }
            }
            if (r.nextInt(10) == 0) {
                int c = r.nextInt(slots);
                if (stored[c]) {
                    long now = tick + r.nextInt(1000);
                    f.resident(0, history, c, now, size[c], admitted[c], (int) hits[c]);
                    expected.add(raw(f));
                    what.add("resident " + c + " at " + now);
                    commands.append("r ").append(c).append(' ').append(now).append(' ').append(size[c]).append('\n');
                }
            }
            if (r.nextInt(50) == 0) {
                stored[r.nextInt(slots)] = false;       // evicted: the next access refills it
            }
        }
        List<String> rows = drive(commands);

        assertEquals(expected.size(), rows.size(), "one row per question");
        assertTrue(rows.size() > 3_000, "rows compared: " + rows.size());
        assertSameRows(expected, rows, what);
    }

    @Test
    void aDeletedNodesHistorySurvivesAsAGhostExactlyAsTheEnginesBoundedHistoryKeepsIt() throws Exception {
        compileDriver(GHOST_DRIVER);
        int ghostsPerRecord = Integer.parseInt(drive("g 0 0 0\n", "1").get(0));

        // the stream: a cache of at most R files over five times as many keys as slots
        // (R x (1 + ghosts)), skewed so that keys come back after their node was deleted, some
        // while their ghost lives and some after it was recycled. A miss creates the key's node
        // (the engine: touch, record), deletes a resident when R are stored (release) and stores
        // the file (admit); now and then a resident is deleted with no miss (expiry), so that fewer
        // than R are stored and the ghosts outnumber R x ghosts, as BoundedHistory allows
        int bound = 200;
        BoundedHistory bounded = new BoundedHistory(bound, ghostsPerRecord);
        AccessHistory history = bounded.history();
        int keys = 5 * bounded.capacity();
        SplittableRandom r = new SplittableRandom(20261220);
        long[] fingerprint = new long[keys];
        long[] size = new long[keys];
        for (int k = 0; k < keys; k++) {
            fingerprint[k] = r.nextLong();
            size[k] = 1 + r.nextLong(1L << 20);
        }
        int[] slotOf = new int[keys];
        java.util.Arrays.fill(slotOf, BoundedHistory.NO_SLOT);
        long[] admitted = new long[keys];
        int[] hits = new int[keys];
        List<Integer> stored = new ArrayList<>();
        StringBuilder commands = new StringBuilder();
        List<float[]> expected = new ArrayList<>();
        List<String> what = new ArrayList<>();
        HistoryFeatures f = new HistoryFeatures(1);
        long restored = 0;
        long fresh = 0;
        long tick = r.nextLong(1L << 30);
        for (int step = 0; step < 60_000; step++) {
            tick += r.nextInt(20) == 0 ? r.nextLong(1L << r.nextInt(24)) : 1;
            int k = (int) Math.min(keys - 1, (long) (keys * Math.pow(r.nextDouble(), 2.5)));
            if (slotOf[k] != BoundedHistory.NO_SLOT) {
                history.record(slotOf[k], tick);
                hits[k]++;
                commands.append("a ").append(k).append(' ').append(tick).append(" 0\n");
            } else {
                if (bounded.find(fingerprint[k]) != BoundedHistory.NO_SLOT) {
                    restored++;
                } else {
                    fresh++;
                }
                int slot = bounded.touch(fingerprint[k]);
                history.record(slot, tick);
                commands.append("c ").append(k).append(' ').append(Long.toUnsignedString(fingerprint[k]))
                        .append(' ').append(tick).append('\n');
                if (r.nextInt(4) == 0) {
                    f.incoming(0, history, slot, tick, size[k]);
                    expected.add(raw(f));
                    what.add("incoming " + k + " at " + tick);
                    commands.append("i ").append(k).append(" 0 ").append(size[k]).append('\n');
                }
                if (stored.size() == bound) {
                    delete(stored.remove(r.nextInt(stored.size())), bounded, slotOf, commands);
                }
                bounded.admit(slot);
                slotOf[k] = slot;
                admitted[k] = tick;
                hits[k] = 0;
                stored.add(k);
                commands.append("s ").append(k).append(" 0 0\n");
            }
            f.resident(0, history, slotOf[k], tick, size[k], admitted[k], hits[k]);
            expected.add(raw(f));
            what.add("resident " + k + " at " + tick + " (step " + step + ")");
            commands.append("r ").append(k).append(' ').append(tick).append(' ').append(size[k]).append('\n');
            if (r.nextInt(25) == 0 && !stored.isEmpty()) {
                delete(stored.remove(r.nextInt(stored.size())), bounded, slotOf, commands);
            }
        }
        commands.append("z 0 0 0\n");
        List<String> out = drive(commands, Integer.toString(bounded.capacity()));

        assertEquals(expected.size() + 1, out.size(), "one row per question, then the counts");
        assertTrue(restored > 5_000 && fresh - bounded.capacity() > 5_000,
                "the stream restores ghosts (" + restored + ") and recycles them (" + (fresh - bounded.capacity()) + ")");
        assertEquals(bounded.residents() + " " + bounded.ghosts() + " " + restored + " " + (fresh - bounded.capacity()),
                out.get(out.size() - 1), "records, ghosts, ghosts restored, ghosts recycled");
        assertSameRows(expected, out, what);
    }

    /**
     * Row {@code i} of the driver's output, 11 hexadecimal float bit patterns, is the engine's row
     * {@code expected[i]} bit for bit, for every expected row (the output may hold more lines after).
     */
    private static void assertSameRows(List<float[]> expected, List<String> out, List<String> what) {
        for (int i = 0; i < expected.size(); i++) {
            String[] bits = out.get(i).split(" ");
            assertEquals(HistoryFeatures.WIDTH, bits.length);
            for (int c = 0; c < HistoryFeatures.WIDTH; c++) {
                int patchBits = Integer.parseUnsignedInt(bits[c], 16);
                int engineBits = Float.floatToRawIntBits(expected.get(i)[c]);
                int column = c;
                int row = i;
                assertEquals(engineBits, patchBits, () -> what.get(row) + ", column " + column + ": engine "
                        + Float.intBitsToFloat(engineBits) + ", patch " + Float.intBitsToFloat(patchBits));
            }
        }
    }

    /** Key {@code k}'s node is deleted: its slot becomes a ghost in both. */
    private static void delete(int k, BoundedHistory bounded, int[] slotOf, StringBuilder commands) {
        bounded.release(slotOf[k]);
        slotOf[k] = BoundedHistory.NO_SLOT;
        commands.append("e ").append(k).append(" 0 0\n");
    }

    private static float[] raw(HistoryFeatures f) {
        float[] v = new float[HistoryFeatures.WIDTH];
        for (int c = 0; c < v.length; c++) {
            v[c] = f.raw(0, c);
        }
        return v;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
