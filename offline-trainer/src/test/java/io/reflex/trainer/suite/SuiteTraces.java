package io.reflex.trainer.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Small trace files and manifests for suite tests, generated from a seed. */
public final class SuiteTraces {

    private SuiteTraces() {
    }

    /**
     * A LIRS trace: skewed requests over {@code keys} keys, with a loop over a quarter of the keys every
     * 500 requests (so recency and frequency policies differ), and a {@code *} checkpoint halfway.
     */
    public static Path lirs(Path dir, String name, long seed, int requests, int keys) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < requests; i++) {
            if (i == requests / 2) {
                text.append("*\n");
            }
            int key = (i / 100) % 5 == 4 ? keys + (i % (keys / 4)) : skewed(random, keys);
            text.append(key).append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** A CSV trace ({@code time,key,size}) of skewed requests, sizes 1 KiB to 64 KiB fixed per key. */
    public static Path csv(Path dir, String name, long seed, int requests, int keys) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder("time,key,size\n");
        for (int i = 0; i < requests; i++) {
            int key = skewed(random, keys);
            long size = 1024L << (Math.floorMod(key * 2_654_435_761L, 7));
            text.append(i).append(",/k").append(key).append(',').append(size).append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** Writes {@code json} as {@code dir/suite.json}. */
    public static Path manifest(Path dir, String json) throws IOException {
        Path file = dir.resolve("suite.json");
        Files.writeString(file, json);
        return file;
    }

    private static int skewed(SplittableRandom random, int keys) {
        double u = random.nextDouble();
        return (int) (keys * u * u * u);
    }
}
