package io.reflex.trainer.nn;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The eviction networks train to the same bits as before the training arithmetic moved into
 * {@code io.reflex.compute}: each network takes 200 seeded Huber (Q-networks) or MSE (the next-access
 * regressor) steps with clipping and Adam, exactly as the trainers drive them, and the SHA-256 of its
 * exported weights must be the one the code before the move computed (the same program, run against
 * that code's jar). The sums' order depends on the Vector API's lane count, so the hashes hold for the
 * 16-lane species (AVX-512) they were recorded on; other machines skip the comparison.
 */
class EvictionNetworksGoldenTest {

    private static final int STEPS = 200;

    /** Recorded with the pre-move code on a 16-lane (AVX-512) machine. */
    private static final String CANDIDATE = "ed845bfe1821a92aa081821247488a6d98b94a27e119c8828fc4abb9976193f2";
    private static final String DUELING = "910460d0f3e5ae313e4b923ee3651208070e31385ef3803b419fb6243b93399b";
    private static final String REGRESSION = "16f37bcd6411e8cc8d5de010f29c83ef26aad7d2daca6ea9566a5a0a0bd0c422";

    @Test
    void theCandidateNetworkTrainsToTheRecordedWeights() throws Exception {
        assumeTrue(FloatVector.SPECIES_PREFERRED.length() == 16, "hashes recorded for 16 lanes");
        assertEquals(CANDIDATE, candidate(new VectorCpuBackend()));
    }

    @Test
    void theDuelingNetworkTrainsToTheRecordedWeights() throws Exception {
        assumeTrue(FloatVector.SPECIES_PREFERRED.length() == 16, "hashes recorded for 16 lanes");
        assertEquals(DUELING, dueling(new VectorCpuBackend()));
    }

    @Test
    void theNextAccessRegressorTrainsToTheRecordedWeights() throws Exception {
        assumeTrue(FloatVector.SPECIES_PREFERRED.length() == 16, "hashes recorded for 16 lanes");
        assertEquals(REGRESSION, regression(new VectorCpuBackend()));
    }

    static String candidate(ComputeBackend backend) throws Exception {
        int k = 16;
        int batch = 64;
        return qSteps(new CandidateDuelingNetwork(backend, new int[] {12, 16, 16, 2}, k, batch, 5),
                new CandidateDuelingNetwork(backend, new int[] {12, 16, 16, 2}, k, batch, 5), batch);
    }

    static String dueling(ComputeBackend backend) throws Exception {
        int batch = 32;
        return qSteps(new DuelingNetwork(backend, new int[] {96, 64, 64, 17}, batch, 5),
                new DuelingNetwork(backend, new int[] {96, 64, 64, 17}, batch, 5), batch);
    }

    /** Double-DQN-shaped steps: Huber on one action per state against a target network's values, clip 10, Adam, soft update. */
    private static String qSteps(QNetwork online, QNetwork target, int batch) throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        int width = online.inputWidth();
        int k = online.actions();
        float[] states = new float[batch * width];
        int[] counts = new int[batch];
        float[] targets = new float[batch * k];
        float[] weights = new float[batch * k];
        float[] grad = new float[batch * k];
        ComputeBackend backend = new VectorCpuBackend();
        target.copyWeightsFrom(online);
        for (int step = 0; step < STEPS; step++) {
            for (int i = 0; i < states.length; i++) {
                states[i] = (float) r.nextDouble();
            }
            for (int s = 0; s < batch; s++) {
                counts[s] = 1 + r.nextInt(k);
            }
            float[] next = target.forward(states, batch, counts);
            java.util.Arrays.fill(weights, 0f);
            for (int s = 0; s < batch; s++) {
                int a = r.nextInt(counts[s]);
                targets[s * k + a] = (float) (r.nextDouble() - 0.5) + 0.9f * next[s * k + r.nextInt(counts[s])];
                weights[s * k + a] = 1f;
            }
            float[] q = online.forward(states, batch, counts);
            backend.huber(q, targets, weights, batch * k, 1f, batch, grad);
            online.zeroGrad();
            online.backward(grad);
            online.clipGradients(10);
            online.adamStep(1e-3f);
            target.softUpdateFrom(online, 0.01f);
        }
        return hash(online.toGraph());
    }

    static String regression(ComputeBackend backend) throws Exception {
        int batch = 128;
        RegressionNetwork net = new RegressionNetwork(backend, new int[] {11, 32, 32, 1}, batch, 5);
        SplittableRandom r = new SplittableRandom(13);
        float[] targets = new float[batch];
        for (int step = 0; step < STEPS; step++) {
            float[] in = net.input();
            for (int i = 0; i < batch * 11; i++) {
                in[i] = (float) r.nextDouble();
            }
            for (int i = 0; i < batch; i++) {
                targets[i] = in[i * 11] * 2 - in[i * 11 + 3] + (float) r.nextDouble() * 0.1f;
            }
            net.train(batch, targets, 1e-3f);
        }
        return hash(net.toGraph());
    }

    private static String hash(MlpGraph graph) throws Exception {
        List<Layer> layers = new ArrayList<>(graph.trunk());
        layers.addAll(graph.valueHead());
        layers.addAll(graph.advantageHead());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Layer layer : layers) {
            if (layer instanceof Dense d) {
                ByteBuffer b = ByteBuffer.allocate(4 * (d.weights().length + d.bias().length));
                for (float v : d.weights()) {
                    b.putFloat(v);
                }
                for (float v : d.bias()) {
                    b.putFloat(v);
                }
                sha.update(b.array());
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Prints the three hashes (how they were recorded, against the pre-move jar). */
    public static void main(String[] args) throws Exception {
        ComputeBackend backend = new VectorCpuBackend();
        System.out.println(candidate(backend) + " " + dueling(backend) + " " + regression(backend));
    }
}
