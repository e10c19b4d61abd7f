package io.reflex.engine.policy;

import io.reflex.engine.onnx.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

class ExperimentTest {
    @TempDir Path dir;
    @Test
    void exp() {
        int[][] shapes = {{32,64,64,1},{70,70,70,70,1},{5,1},{96,128,128,17},{32,64,64,8},{128,256,256,16}};
        for (int[] s : shapes) {
            int fails = 0;
            for (long seed = 0; seed < 20; seed++) {
                for (Activation a : new Activation[]{Activation.RELU, Activation.TANH, Activation.SIGMOID, Activation.leakyRelu(0.01f)}) {
                Path f = dir.resolve("m" + seed + ".onnx");
                OnnxModelWriter.of(MlpGraph.randomChain(seed, a, s)).write(f);
                try (Policy p = PolicyLoader.builder().build().load(f)) {
                    if (p.backend() != Backend.VECTOR) { fails++; if (fails < 3) System.out.println(p.fastPathStatus()); }
                }
                }
            }
            System.out.println(java.util.Arrays.toString(s) + " fallbacks " + fails + "/80");
        }
    }
}
