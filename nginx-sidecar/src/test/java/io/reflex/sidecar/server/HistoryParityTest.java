package io.reflex.sidecar.server;

import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.sidecar.TestClient;
import io.reflex.sidecar.TestModels;
import io.reflex.sidecar.protocol.WireV2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity of the two ways a history-1 decision can be made: a cache replayed on a seeded workload
 * (request-counter ticks, K residents sampled uniformly, the incoming object asked about) builds
 * each decision's rows as NGINX's patch does (its history in natural units, subtracted in 64 bits,
 * then rounded to float) and sends them to the sidecar; the same decision is made directly by the
 * engine, from an {@link AccessHistory} through {@link HistoryFeatures#resident} and
 * {@link HistoryFeatures#incoming} into a {@link NextAccessLoop}. Every column of every row must be
 * identical, raw and encoded, and so must the victim and the admission answer.
 */
class HistoryParityTest {

    static final int K = 8;
    static final int W = HistoryFeatures.WIDTH;
    static final int OBJECTS = 400;
    static final int CAPACITY = 60;

    @TempDir
    Path dir;

    /** The patch's row for a resident (see ngx_http_file_cache_reflex_row in the patch). */
    static void patchRow(float[] out, int at, AccessHistory h, int o, long now, long size, long admitted, long hits) {
        out[at + HistoryFeatures.RECENCY] = (float) (now - h.lastAccess(o));
        for (int i = 0; i < AccessHistory.DELTAS; i++) {
            long g = h.gap(o, i);
            out[at + HistoryFeatures.GAP + i] = g == AccessHistory.UNKNOWN ? -1f : (float) g;
        }
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            out[at + HistoryFeatures.EDC + i] = h.edc(o, i);
        }
        out[at + HistoryFeatures.SIZE] = (float) size;
        out[at + HistoryFeatures.RESIDENCE] = (float) (now - admitted);
        out[at + HistoryFeatures.HITS] = (float) hits;
    }

    /** The patch's incoming row: the object's history as of this access, no recency, residence or hits. */
    static void patchIncoming(float[] out, int at, AccessHistory h, int o, long size) {
        patchRow(out, at, h, o, h.lastAccess(o), size, h.lastAccess(o), 0);
    }

    @Test
    void rowsBuiltAsThePatchBuildsThemDecideAsTheEngineDecidesFromItsOwnHistory() throws Exception {
        Path model = dir.resolve("parity.onnx");
        OnnxModelWriter writer = OnnxModelWriter.of(MlpGraph.randomChain(29, Activation.RELU, W, 16, 16, 1)).fixedBatch(1);
        TestModels.historyContract(K, true, true).toMetadata().forEach(writer::metadata);
        writer.write(model);

        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
        assertTrue(store.offer(model).accepted());
        SplittableRandom r = new SplittableRandom(20261218);
        long[] size = new long[OBJECTS];
        for (int o = 0; o < OBJECTS; o++) {
            size[o] = 1 + r.nextLong(1 << (8 + r.nextInt(14)));
        }
        AccessHistory history = new AccessHistory(OBJECTS);
        long[] admitted = new long[OBJECTS];
        long[] hits = new long[OBJECTS];
        int[] residents = new int[CAPACITY];
        int[] position = new int[OBJECTS];
        Arrays.fill(position, -1);
        int count = 0;
        int decisions = 0;
        int declined = 0;
        int[] victimAt = new int[K];
        int[] sample = new int[K];
        float[] wire = new float[(K + 1) * W];
        HistoryFeatures fromWire = new HistoryFeatures(K + 1);
        float[] encodedWire = new float[(K + 1) * W];
        float[] encodedDirect = new float[(K + 1) * W];

        try (SidecarServer server = SidecarServer.start(SidecarConfig.builder().socket(dir.resolve("p.sock")).model(model)
                .deadline(Duration.ofSeconds(1)).warmupRequests(100).build());
             TestClient client = new TestClient(server.socket());
             NextAccessLoop loop = NextAccessLoop.builder().k(K).admission(true).store(store).noDeadline().build();
             NextAccessLoop.Decider direct = loop.newDecider()) {
            long fallbacks = server.runtime().metrics().totalFallbacks();
            for (long tick = 0; tick < 6_000; tick++) {
                // a skewed workload: a few hot objects, a long tail
                int o = (int) Math.min(OBJECTS - 1, (long) (OBJECTS * Math.pow(r.nextDouble(), 2.5)));
                history.record(o, tick);
                if (position[o] >= 0) {
                    hits[o]++;
                    continue;
                }
                if (count == CAPACITY) {
                    // K distinct residents drawn uniformly, least recently accessed first
                    for (int d = 0; d < K; d++) {
                        int j = d + r.nextInt(count - d);
                        int a = residents[d];
                        residents[d] = residents[j];
                        residents[j] = a;
                        position[residents[d]] = d;
                        position[residents[j]] = j;
                        sample[d] = residents[d];
                    }
                    final AccessHistory hh = history;
                    int[] ordered = Arrays.stream(sample).boxed()
                            .sorted((x, y) -> Long.compare(hh.lastAccess(x), hh.lastAccess(y)))
                            .mapToInt(Integer::intValue).toArray();
                    HistoryFeatures f = direct.features();
                    for (int j = 0; j < K; j++) {
                        int c = ordered[j];
                        patchRow(wire, j * W, history, c, tick, size[c], admitted[c], hits[c]);
                        f.resident(j, history, c, tick, size[c], admitted[c], (int) hits[c]);
                    }
                    patchIncoming(wire, K * W, history, o, size[o]);
                    f.incoming(K, history, o, tick, size[o]);

                    for (int row = 0; row <= K; row++) {
                        fromWire.row(row, wire, row * W);
                        for (int c = 0; c < W; c++) {
                            assertEquals(Float.floatToRawIntBits(f.raw(row, c)), Float.floatToRawIntBits(wire[row * W + c]),
                                    "tick " + tick + " row " + row + " column " + c + ": raw");
                        }
                    }
                    fromWire.encode(K + 1, K + 1, encodedWire, 0);
                    f.encode(K + 1, K + 1, encodedDirect, 0);
                    for (int i = 0; i < encodedWire.length; i++) {
                        assertEquals(Float.floatToRawIntBits(encodedDirect[i]), Float.floatToRawIntBits(encodedWire[i]),
                                "tick " + tick + " row " + i / W + " column " + i % W + ": encoded");
                    }

                    long mask = client.evictV2(tick, K, WireV2.FLAG_SAMPLED | WireV2.FLAG_INCOMING, wire);
                    int viaSidecar = Long.numberOfTrailingZeros(mask);
                    int admission = client.in.admission();
                    int viaEngine = direct.decide(K, true);
                    assertNull(direct.lastCause(), "the engine's model decided");
                    assertEquals(1, Long.bitCount(mask));
                    assertEquals(viaEngine, viaSidecar, "tick " + tick + ": victim");
                    assertEquals(direct.admit() ? WireV2.ADMIT : WireV2.DECLINE, admission, "tick " + tick + ": admission");
                    decisions++;
                    victimAt[viaSidecar]++;
                    if (admission == WireV2.DECLINE) {
                        declined++;
                        continue;                    // the incoming object is not cached
                    }
                    int v = ordered[viaSidecar];
                    int p = position[v];
                    residents[p] = residents[--count];
                    position[residents[p]] = p;
                    position[v] = -1;
                }
                residents[count] = o;
                position[o] = count++;
                admitted[o] = tick;
                hits[o] = 0;
            }
            assertEquals(fallbacks, server.runtime().metrics().totalFallbacks(), "the sidecar's model decided every time");
        }
        assertTrue(decisions > 1_000, "decisions: " + decisions);
        assertTrue(declined > 0 && declined < decisions, "both admission answers occur: " + declined + " of " + decisions);
        assertTrue(Arrays.stream(victimAt).filter(n -> n > 0).count() > 2, "victims at several positions: "
                + Arrays.toString(victimAt));
    }
}
