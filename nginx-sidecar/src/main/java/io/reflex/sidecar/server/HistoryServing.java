package io.reflex.sidecar.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
import io.reflex.sidecar.floor.SidecarFloor;
import io.reflex.sidecar.protocol.ErrorCode;
import io.reflex.sidecar.protocol.FrameDecoder;
import io.reflex.sidecar.protocol.FrameEncoder;
import io.reflex.sidecar.protocol.ProtocolException;
import io.reflex.sidecar.protocol.Wire;
import io.reflex.sidecar.protocol.WireV2;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Serving a next-access model ({@value HistoryFeatures#SCHEMA}: one network {@code [1, 11] → [1, 1]}
 * shared by every row) over version-2 frames through the engine's {@link NextAccessLoop}: NGINX
 * keeps each object's history and sends the schema's columns in natural units; each row goes into
 * {@link HistoryFeatures#row} unchanged, so the engine encodes and scores exactly what it would for
 * a host keeping the history in Java. The reply names one victim (the candidate predicted farthest,
 * size-weighted) and, when the frame carries the incoming object, whether to admit it.
 *
 * <p>The model's contract ({@code reflex.k}, {@code reflex.candidates}, {@code reflex.admission})
 * is fixed at start: an EVICT whose candidate set is not the model's is refused (ERROR 7), and a
 * hot-reloaded file with another schema or contract is refused before it is loaded. A model that
 * does not answer admission admits every incoming object.
 *
 * <p>With an LRU floor ({@link #attach}), every frame first reads whether the floor has demoted the
 * model (one volatile read): while it has, the reply is LRU's without running the model, the
 * candidate with the largest recency (the least recently used of a sample, or the LRU tail itself)
 * and the incoming object admitted, as LRU admits everything. Thread-safe.
 */
final class HistoryServing implements Serving {

    private final EvictionModel contract;
    private final int k;
    private final NextAccessLoop loop;
    private final String version;
    /** The LRU floor, or null: set once at start, before the socket is published. */
    private volatile SidecarFloor floor;

    HistoryServing(SidecarConfig config, Path model, EvictionModel contract, MeterRegistry registry) {
        this.contract = contract;
        if (config.k() != 0 && config.k() != contract.k()) {
            throw new IllegalArgumentException("k = " + config.k() + " does not match the model's K = " + contract.k()
                    + " (" + model + ", metadata " + EvictionModel.K_METADATA + ")");
        }
        this.k = contract.k();
        PolicyStore store = PolicyStore.create(NextAccessLoop.policyLoader(), canaryInputs());
        SwapResult first = store.offer(model);
        if (!first.accepted()) {
            store.close();
            throw new IllegalArgumentException("model " + model + " refused: " + first.reason());
        }
        this.version = first.version().label();
        this.loop = NextAccessLoop.builder().k(k).admission(contract.admission()).store(store)
                .deadline(config.deadline()).meterRegistry(registry).build();
    }

    @Override
    public int k() {
        return k;
    }

    @Override
    public int version() {
        return WireV2.VERSION;
    }

    @Override
    public String schema() {
        return HistoryFeatures.SCHEMA;
    }

    private boolean sampled() {
        return contract.candidates() == EvictionModel.Candidates.SAMPLED;
    }

    @Override
    public String describe() {
        return "K = " + k + ", " + contract.candidates().value() + " candidates, admission "
                + (contract.admission() ? "answered" : "not answered (every incoming object admitted)") + ", schema "
                + schema() + " over protocol v" + version() + ", serving " + version;
    }

    @Override
    public DecisionRuntime runtime() {
        return loop.runtime();
    }

    /** The next-access loop. */
    NextAccessLoop loop() {
        return loop;
    }

    /** The served model's contract (K, candidate set, admission). */
    EvictionModel contract() {
        return contract;
    }

    /** Answers as LRU while {@code floor} says the model is demoted. */
    void attach(SidecarFloor floor) {
        this.floor = floor;
    }

    @Override
    public Optional<String> refusal(EvictionModel offered) {
        if (!offered.readsHistory()) {
            return Optional.of("the model reads " + offered.schema() + ", but this sidecar serves " + schema()
                    + " over protocol version 2, and NGINX sends what its reflex_schema says: start a sidecar on "
                    + "the new model and set reflex_schema to match");
        }
        if (offered.k() != contract.k() || offered.candidates() != contract.candidates()
                || offered.admission() != contract.admission()) {
            return Optional.of("its contract (K = " + offered.k() + ", " + offered.candidates().value()
                    + " candidates, admission " + offered.admission() + ") differs from the serving model's (K = "
                    + contract.k() + ", " + contract.candidates().value() + " candidates, admission "
                    + contract.admission() + "), which NGINX's reflex_k and reflex_candidates follow: restart the "
                    + "sidecar to change it");
        }
        return Optional.empty();
    }

    @Override
    public void warmUpRequest(FrameEncoder out, WritableByteChannel channel, long requestId, SplittableRandom r)
            throws IOException {
        boolean incoming = (requestId & 1) == 0;
        int rows = k + (incoming ? 1 : 0);
        float[] values = new float[rows * HistoryFeatures.WIDTH];
        for (int row = 0; row < rows; row++) {
            plausibleRow(r, values, row * HistoryFeatures.WIDTH, incoming && row == k);
        }
        out.evictV2(channel, requestId, k, WireV2.SCHEMA_HISTORY_1,
                (incoming ? WireV2.FLAG_INCOMING : 0) | (sampled() ? WireV2.FLAG_SAMPLED : 0), values);
    }

    /** Raw history-1 values of a plausible object: what NGINX would send for it. */
    private static void plausibleRow(SplittableRandom r, float[] v, int at, boolean incoming) {
        int accesses = 1 + r.nextInt(20);
        v[at + HistoryFeatures.RECENCY] = incoming ? 0 : r.nextInt(1 << 20);
        for (int i = 0; i < AccessHistory.DELTAS; i++) {
            v[at + HistoryFeatures.GAP + i] = i < accesses - 1 ? r.nextInt(1 << 18) : AccessHistory.UNKNOWN;
        }
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            v[at + HistoryFeatures.EDC + i] = 1 + (float) r.nextDouble(accesses);
        }
        v[at + HistoryFeatures.SIZE] = 100 + r.nextInt(1 << 20);
        v[at + HistoryFeatures.RESIDENCE] = incoming ? 0 : v[at + HistoryFeatures.RECENCY] + r.nextInt(1 << 16);
        v[at + HistoryFeatures.HITS] = incoming ? 0 : r.nextInt(accesses);
    }

    @Override
    public Responder newResponder() {
        return new V2Responder();
    }

    @Override
    public void close() {
        loop.close();
    }

    /** Version-2 EVICT → one victim and, when asked, the admission answer. */
    private final class V2Responder implements Responder {
        private final NextAccessLoop.Decider decider = loop.newDecider();
        private final HistoryFeatures features = decider.features();
        private final float[] row = new float[HistoryFeatures.WIDTH];
        private final boolean sampled = sampled();
        private boolean byPolicy;
        private boolean byFloor;
        private int admission;

        @Override
        public long answer(FrameDecoder in, FrameEncoder out, WritableByteChannel channel)
                throws ProtocolException, IOException {
            if (in.version() == Wire.VERSION) {
                throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, in.requestId(), false, "version 1 frames "
                        + "carry Cold-RL's six features, but this sidecar serves a " + schema() + " model, which reads "
                        + "version 2 frames: set reflex_schema=" + schema() + " on NGINX's proxy_cache_path");
            }
            in.checkEvictV2(k, WireV2.SCHEMA_HISTORY_1, sampled);
            int n = in.count();
            boolean incoming = in.incoming();
            SidecarFloor f = floor;
            byFloor = f != null && !f.learnedServes();
            int victim;
            if (byFloor) {
                victim = leastRecentlyUsed(in, n);
                byPolicy = false;
                admission = incoming ? WireV2.ADMIT : WireV2.NOT_ASKED;
            } else {
                for (int r = 0, rows = in.rows(); r < rows; r++) {
                    in.row(r, row, 0);
                    features.row(r, row, 0);
                }
                victim = decider.decide(n, incoming);
                byPolicy = decider.lastCause() == null;
                admission = !incoming ? WireV2.NOT_ASKED : decider.admit() ? WireV2.ADMIT : WireV2.DECLINE;
            }
            long mask = 1L << victim;
            out.victimsV2(channel, in.requestId(), n, mask, admission);
            return mask;
        }

        /** The candidate with the largest recency (the first such row on a tie): LRU's victim. */
        private int leastRecentlyUsed(FrameDecoder in, int n) {
            int victim = 0;
            float oldest = Float.NEGATIVE_INFINITY;
            for (int r = 0; r < n; r++) {
                in.row(r, row, 0);
                if (row[HistoryFeatures.RECENCY] > oldest) {
                    oldest = row[HistoryFeatures.RECENCY];
                    victim = r;
                }
            }
            return victim;
        }

        @Override
        public boolean lastByPolicy() {
            return byPolicy;
        }

        @Override
        public boolean lastByFloor() {
            return byFloor;
        }

        @Override
        public int lastAdmission() {
            return admission;
        }

        @Override
        public void close() {
            decider.close();
        }
    }

    /** Eight encoded rows (seeded) that a new model version must score finitely. */
    private static List<float[]> canaryInputs() {
        SplittableRandom r = new SplittableRandom(0x51DECA7L);
        HistoryFeatures f = new HistoryFeatures(1);
        float[] raw = new float[HistoryFeatures.WIDTH];
        List<float[]> inputs = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            plausibleRow(r, raw, 0, s % 4 == 3);
            f.row(0, raw, 0);
            float[] in = new float[HistoryFeatures.WIDTH];
            f.encode(1, 1, in, 0);
            inputs.add(in);
        }
        return inputs;
    }
}
