package io.reflex.recommender;

import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.state.UserStateEncoder;
import io.reflex.recommender.train.LevelNetwork;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The untrained level network scores a child row {@code sharpness · (4 û·v + 2 popularity)}: with its
 * four designed hidden units alone there is no random part, so the logit is exactly that.
 */
class SharpenedInitialisationTest {

    private static final int DIMS = 4;

    @Property(tries = 50)
    void theUntrainedLogitIsTheSharpenedPredictedRewardPlusPopularity(@ForAll @DoubleRange(min = 0.1, max = 50) double sharpness,
                                                                      @ForAll @LongRange(min = 0, max = 1000) long seed) {
        LevelNetwork net = new LevelNetwork(DIMS, 4, seed, sharpness);
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
        net.forward(row, 1, score, null);
        double expected = sharpness * (4 * dot + 2 * row[ChildRows.popularityColumn(DIMS)]);
        assertEquals(expected, score[0], 1e-4 * Math.max(1, Math.abs(expected)));
    }
}
