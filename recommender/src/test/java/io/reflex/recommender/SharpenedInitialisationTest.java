package io.reflex.recommender;

import io.reflex.engine.testing.PropertyCheck;
import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.state.UserStateEncoder;
import io.reflex.recommender.train.LevelNetwork;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The untrained level network scores a child row {@code sharpness · (4 û·v + 2 popularity)}: with its
 * four designed hidden units alone there is no random part, so the logit is exactly that.
 */
class SharpenedInitialisationTest {

    private static final int DIMS = 4;

    @Test
    void theUntrainedLogitIsTheSharpenedPredictedRewardPlusPopularity() {
        PropertyCheck.tries(50).forAll(
                g -> new NetworkCase(g.decimal(0.1, 50), g.longs(0, 1000)),
                NetworkCase::check);
    }

    /** An untrained level network of this sharpness, and a seeded child row. */
    private record NetworkCase(double sharpness, long seed) {
        void check() {
            LevelNetwork net = new LevelNetwork(DIMS, 4, seed, sharpness, 1);
            int width = ChildRows.width(DIMS);
            SplittableRandom rnd = new SplittableRandom(seed);
            float[] row = new float[width];
            for (int i = 0; i < width; i++) {
                row[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            double dot = 0;
            int products = UserStateEncoder.width(DIMS) + DIMS;
            for (int d = 0; d < DIMS; d++) {
                dot += row[products + d];
            }
            float[] score = new float[1];
            net.forward(row, 1, score);
            double expected = sharpness * (4 * dot + 2 * row[ChildRows.popularityColumn(DIMS)]);
            assertEquals(expected, score[0], 1e-4 * Math.max(1, Math.abs(expected)));
        }
    }
}
