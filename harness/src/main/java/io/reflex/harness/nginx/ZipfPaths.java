package io.reflex.harness.nginx;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded request list for the NGINX tests and the soak: paths {@code /o/<key>?s=<size>} over a
 * fixed key set, popularity ~ 1/rank^0.9, per-key sizes 2-48 KB, so that a small {@code max_size}
 * makes the cache manager evict all the time. Stateless.
 */
public final class ZipfPaths {

    private ZipfPaths() {
    }

    /** {@code n} request paths over {@code keys} keys, drawn from {@code seed}. */
    public static List<String> of(int n, int keys, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] size = new int[keys];
        double[] cumulative = new double[keys];
        double total = 0;
        for (int i = 0; i < keys; i++) {
            size[i] = 2048 + r.nextInt(46 * 1024);
            total += 1 / Math.pow(i + 1, 0.9);
            cumulative[i] = total;
        }
        List<String> paths = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble() * total;
            int lo = 0;
            int hi = keys - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            paths.add("/o/" + lo + "?s=" + size[lo]);
        }
        return paths;
    }
}
