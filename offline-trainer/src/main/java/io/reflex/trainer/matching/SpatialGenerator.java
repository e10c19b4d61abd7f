package io.reflex.trainer.matching;

import java.util.SplittableRandom;

/**
 * A spatial crowdsourcing setting after the reference's gMission data: workers (the offline nodes)
 * wait at fixed places in a unit square, each with a service radius and a quality; tasks arrive
 * online at random places, most of them around a few hotspots, each with a value. A worker can take
 * a task within its radius, for {@code value · quality · (1 − distance / radius)}: near, valuable
 * tasks for good workers pay most. A task that no worker reaches is redrawn (up to 100 times, as
 * the reference redraws tasks without an edge).
 *
 * <p>The world (worker places, radii in [0.15, 0.35], qualities in [0.5, 1], four hotspots) is fixed
 * by the world seed. Immutable and thread-safe after construction.
 */
public final class SpatialGenerator implements InstanceGenerator {

    private static final int HOTSPOTS = 4;

    private final int offline;
    private final int online;
    private final double[] x;
    private final double[] y;
    private final double[] radius;
    private final double[] quality;
    private final double[] hotspotX = new double[HOTSPOTS];
    private final double[] hotspotY = new double[HOTSPOTS];

    /**
     * @param offline   workers
     * @param online    tasks per instance
     * @param worldSeed seed of the workers and hotspots
     */
    public SpatialGenerator(int offline, int online, long worldSeed) {
        InstanceGenerator.checkSizes(offline, online);
        this.offline = offline;
        this.online = online;
        SplittableRandom random = new SplittableRandom(worldSeed);
        x = new double[offline];
        y = new double[offline];
        radius = new double[offline];
        quality = new double[offline];
        for (int h = 0; h < HOTSPOTS; h++) {
            hotspotX[h] = 0.15 + 0.7 * random.nextDouble();
            hotspotY[h] = 0.15 + 0.7 * random.nextDouble();
        }
        for (int u = 0; u < offline; u++) {
            x[u] = random.nextDouble();
            y[u] = random.nextDouble();
            radius[u] = 0.15 + 0.2 * random.nextDouble();
            quality[u] = 0.5 + 0.5 * random.nextDouble();
        }
    }

    @Override
    public String name() {
        return "spatial";
    }

    @Override
    public int offline() {
        return offline;
    }

    @Override
    public int online() {
        return online;
    }

    @Override
    public MatchingInstance generate(SplittableRandom random) {
        double[][] rows = new double[online][offline];
        for (double[] row : rows) {
            for (int attempt = 0; attempt < 100; attempt++) {
                double tx;
                double ty;
                if (random.nextDouble() < 0.7) {
                    int h = random.nextInt(HOTSPOTS);
                    tx = hotspotX[h] + 0.1 * random.nextGaussian();
                    ty = hotspotY[h] + 0.1 * random.nextGaussian();
                } else {
                    tx = random.nextDouble();
                    ty = random.nextDouble();
                }
                double value = 0.2 + 0.8 * random.nextDouble();
                boolean any = false;
                for (int u = 0; u < offline; u++) {
                    double d = Math.hypot(tx - x[u], ty - y[u]);
                    row[u] = d < radius[u] ? value * quality[u] * (1 - d / radius[u]) : 0;
                    any |= row[u] > 0;
                }
                if (any) {
                    break;
                }
            }
        }
        return new MatchingInstance(rows);
    }
}
