package io.reflex.trainer.workload;

import java.util.SplittableRandom;

/**
 * The object-size mix of the Zipf-based workloads: 70% small (1–16 KiB), 25% medium (16–256 KiB), 5%
 * large (256 KiB–2 MiB), uniform within each class; about 96 KiB per object on average. Stateless.
 */
final class MixedSizes {

    private MixedSizes() {
    }

    /** Draws one object size in bytes. */
    static long draw(SplittableRandom random) {
        double u = random.nextDouble();
        if (u < 0.70) {
            return random.nextLong(OriginModel.KIB, 16 * OriginModel.KIB + 1);
        }
        if (u < 0.95) {
            return random.nextLong(16 * OriginModel.KIB, 256 * OriginModel.KIB + 1);
        }
        return random.nextLong(256 * OriginModel.KIB, 2048 * OriginModel.KIB + 1);
    }
}
