package io.reflex.trainer.workload;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws ranks 0..n-1 with probability proportional to {@code 1 / (rank + 1)^alpha} by binary search
 * in the cumulative distribution (8 bytes per rank, O(log n) per draw). Immutable after construction;
 * draws use the caller's random source.
 */
final class ZipfSampler {

    private final double[] cumulative;

    ZipfSampler(int n, double alpha) {
        cumulative = new double[n];
        double total = 0;
        for (int r = 0; r < n; r++) {
            total += 1.0 / StrictMath.pow(r + 1, alpha);
            cumulative[r] = total;
        }
        for (int r = 0; r < n; r++) {
            cumulative[r] /= total;
        }
        cumulative[n - 1] = 1.0;
    }

    int draw(SplittableRandom random) {
        double u = random.nextDouble();
        int i = Arrays.binarySearch(cumulative, u);
        return i >= 0 ? Math.min(i + 1, cumulative.length - 1) : -i - 1;
    }

    /** A seeded permutation of 0..n-1, so that popularity rank and object id are unrelated. */
    static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** An exponentially distributed draw with the given mean (StrictMath: identical on every JVM). */
    static double exponential(SplittableRandom random, double mean) {
        return -mean * StrictMath.log(1.0 - random.nextDouble());
    }
}
