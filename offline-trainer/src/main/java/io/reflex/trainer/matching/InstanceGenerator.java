package io.reflex.trainer.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded source of matching instances over a fixed offline side. The same seed always gives the
 * same instances, in the same order, on any machine.
 *
 * <p>Implementations are immutable and thread-safe: all randomness comes from the argument.
 */
public interface InstanceGenerator {

    /** Short name, as {@code --generator} spells it. */
    String name();

    /** Offline nodes per instance. */
    int offline();

    /** Online items per instance. */
    int online();

    /** One instance drawn from {@code random}. */
    MatchingInstance generate(SplittableRandom random);

    /** {@code count} instances from {@code seed}: instance {@code i} uses the {@code i}-th split of the seed's stream. */
    default List<MatchingInstance> generate(int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("instance count must be >= 1, got " + count);
        }
        SplittableRandom root = new SplittableRandom(seed);
        List<MatchingInstance> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(generate(root.split()));
        }
        return out;
    }

    /** Checks the common size arguments; returns nothing, throws naming the bad one. */
    static void checkSizes(int offline, int online) {
        if (offline < 1 || offline > 100_000) {
            throw new IllegalArgumentException("offline nodes must be in [1, 100000], got " + offline);
        }
        if (online < 1 || online > 1_000_000) {
            throw new IllegalArgumentException("online items must be in [1, 1000000], got " + online);
        }
    }
}
