package io.reflex.sidecar.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.eviction.EvictionCandidates;
import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.engine.eviction.EvictionLoop;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.DecisionRuntime;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Serving a Cold-RL model ({@value EvictionModel#COLD_RL_SCHEMA}) over version-1 frames through the
 * engine's {@link EvictionLoop}: a joint model ({@code [1, 6K] → [1, K]}) fixes K; a candidate-rows
 * model ({@code [1, 12] → [1, 2]}) takes K from the settings, else its {@code reflex.k} metadata,
 * else 16. The loader pins the layout and refuses what NGINX cannot feed this schema (a hit history
 * that survives eviction, sampled candidates). Thread-safe.
 */
final class ColdRlServing implements Serving {

    private final int k;
    private final boolean rows;
    private final EvictionLoop loop;
    private final String version;

    ColdRlServing(SidecarConfig config, Path model, EvictionModel contract, MeterRegistry registry) {
        ModelShape shape = ModelShape.of(model, contract, config.k());
        this.k = shape.k();
        this.rows = shape.rows();
        // The loader pins the layout: a later version of the other layout is refused when offered.
        // NGINX's node counts hits since admission and the patch sends the K least recently used:
        // a model trained on a longer history or on sampled candidates is refused.
        PolicyLoader.Builder loading = EvictionLoop.hostLoader();
        PolicyLoader loader = rows
                ? loading.input(null, 1, EvictionFeatures.ROW_WIDTH).output(null, 1, 2).build()
                : loading.input(null, 1, (long) Wire.FEATURES * k).output(null, 1, k).build();
        PolicyStore store = PolicyStore.create(loader, canaryInputs(k, rows));
        SwapResult first = store.offer(model);
        if (!first.accepted()) {
            store.close();
            throw new IllegalArgumentException("model " + model + " refused: " + first.reason());
        }
        this.version = first.version().label();
        this.loop = EvictionLoop.builder().k(k).layout(rows ? EvictionLoop.Layout.CANDIDATE_ROWS : EvictionLoop.Layout.JOINT)
                .store(store).deadline(config.deadline()).meterRegistry(registry).build();
    }

    @Override
    public int k() {
        return k;
    }

    @Override
    public int version() {
        return Wire.VERSION;
    }

    @Override
    public String schema() {
        return EvictionModel.COLD_RL_SCHEMA;
    }

    @Override
    public String describe() {
        return "K = " + k + ", " + (rows ? "candidate-rows" : "joint") + " layout, schema " + schema()
                + " over protocol v" + version() + ", serving " + version;
    }

    @Override
    public DecisionRuntime runtime() {
        return loop.runtime();
    }

    /** The Cold-RL eviction loop. */
    EvictionLoop loop() {
        return loop;
    }

    @Override
    public Optional<String> refusal(EvictionModel offered) {
        if (offered.readsHistory()) {
            return Optional.of("the model reads " + offered.schema() + ", but this sidecar serves "
                    + schema() + " over protocol version 1, whose frames cannot carry it: start a sidecar on the "
                    + "new model and set reflex_schema=" + offered.schema() + " on NGINX's proxy_cache_path");
        }
        return Optional.empty();
    }

    @Override
    public void warmUpRequest(FrameEncoder out, WritableByteChannel channel, long requestId, SplittableRandom r)
            throws IOException {
        float[] features = new float[Wire.FEATURES * k];
        for (int j = 0; j < features.length; j += Wire.FEATURES) {
            features[j] = (float) r.nextDouble(7_200);
            features[j + 1] = (float) (1_024 + r.nextDouble(800_000));
            features[j + 2] = r.nextInt(50);
            features[j + 3] = (float) r.nextDouble(3_600);
            features[j + 4] = (float) r.nextDouble(86_400);
            features[j + 5] = (float) (50 + r.nextDouble(20));
        }
        out.evict(channel, requestId, k, features);
    }

    @Override
    public Responder newResponder() {
        return new V1Responder();
    }

    @Override
    public void close() {
        loop.close();
    }

    /** Version-1 EVICT → the loop's victim mask (every candidate scoring positive, or the best one). */
    private final class V1Responder implements Responder {
        private final EvictionLoop.Decider decider = loop.newDecider();
        private final EvictionCandidates candidates = decider.candidates();
        private boolean byPolicy;

        @Override
        public long answer(FrameDecoder in, FrameEncoder out, WritableByteChannel channel)
                throws ProtocolException, IOException {
            if (in.version() == WireV2.VERSION) {
                throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, in.requestId(), false, "version 2 frames "
                        + "carry the history-1 columns, but this sidecar serves a " + schema() + " model, which reads "
                        + "version 1 frames: serve a history-1 model, or remove reflex_schema=history-1 from NGINX's "
                        + "proxy_cache_path");
            }
            in.checkEvict(k);
            int n = in.count();
            candidates.clear();
            for (int i = 0; i < n; i++) {
                candidates.next().ageSeconds(in.feature(i, 0)).sizeBytes(in.feature(i, 1)).hits(in.feature(i, 2))
                        .interArrivalSeconds(in.feature(i, 3)).ttlSeconds(in.feature(i, 4)).rttMillis(in.feature(i, 5));
            }
            long mask = decider.decide();
            byPolicy = decider.lastCause() == null;
            out.victims(channel, in.requestId(), n, mask);
            return mask;
        }

        @Override
        public boolean lastByPolicy() {
            return byPolicy;
        }

        @Override
        public int lastAdmission() {
            return WireV2.NOT_ASKED;
        }

        @Override
        public void close() {
            decider.close();
        }
    }

    /**
     * What the model file says about the loop: a joint model ({@code [1, 6K] → [1, K]}) fixes K; a
     * candidate-rows model ({@code [1, 12] → [1, 2]}) serves any K, taken from the settings, else
     * from its contract ({@code reflex.k}, else {@value EvictionModel#DEFAULT_K}).
     */
    private record ModelShape(int k, boolean rows) {

        static ModelShape of(Path model, EvictionModel contract, int requested) {
            long in;
            long out;
            try (Policy p = PolicyLoader.defaults().load(model)) {
                in = p.inputSize();
                out = p.outputSize();
            }
            if (in == EvictionFeatures.ROW_WIDTH && out == 2) {
                return new ModelShape(requested != 0 ? requested : contract.k(), true);
            }
            if (out < 1 || out > Wire.MAX_K || in != Wire.FEATURES * out) {
                throw new IllegalArgumentException("model " + model + " takes " + in + " inputs and gives " + out
                        + " outputs; an eviction model takes 6K and gives K (K in [1, 64]), or takes a "
                        + EvictionFeatures.ROW_WIDTH + "-wide candidate row and gives 2");
            }
            if (requested != 0 && requested != out) {
                throw new IllegalArgumentException("k = " + requested + " does not match the model's K = " + out
                        + " (" + model + ")");
            }
            return new ModelShape((int) out, false);
        }
    }

    /**
     * Eight encoded candidate sets (seeded) that a new model version must score finitely: whole
     * sets for a joint model, their rows (one per set, at different positions) for a candidate-rows one.
     */
    private static List<float[]> canaryInputs(int k, boolean rows) {
        SplittableRandom r = new SplittableRandom(0x51DECA7L);
        EvictionCandidates c = new EvictionCandidates(k);
        EvictionFeatures f = new EvictionFeatures(k);
        List<float[]> inputs = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            c.clear();
            for (int i = 0; i < k; i++) {
                c.next().ageSeconds(r.nextDouble(86_400)).sizeBytes(100 + r.nextDouble(1e6)).hits(r.nextInt(100))
                        .interArrivalSeconds(r.nextDouble(3_600)).ttlSeconds(r.nextDouble(86_400))
                        .rttMillis(1 + r.nextDouble(500));
            }
            if (rows) {
                float[] all = new float[EvictionFeatures.ROW_WIDTH * k];
                f.encodeRows(c, all, 0);
                int row = s % k;
                inputs.add(Arrays.copyOfRange(all, row * EvictionFeatures.ROW_WIDTH, (row + 1) * EvictionFeatures.ROW_WIDTH));
            } else {
                float[] in = new float[Wire.FEATURES * k];
                f.encode(c, in, 0);
                inputs.add(in);
            }
        }
        return inputs;
    }
}
