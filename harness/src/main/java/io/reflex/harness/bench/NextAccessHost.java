package io.reflex.harness.bench;

import io.reflex.engine.eviction.AccessHistory;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.trainer.cache.SampledCandidates;

import java.util.SplittableRandom;

/**
 * The host's side of a {@code history-1} eviction decision, for benchmarks ({@code ./reflex bench
 * eviction --layout next-access} and JMH's {@code NextAccessDecisionBenchmark} time the same
 * {@link #decide}): {@value #RESIDENTS} resident objects with access histories built from a seeded
 * stream of requests; each decision draws K candidates uniformly from them (or takes K fixed ones, as
 * a host handing over its K least recently used would), fills their rows and the incoming object's,
 * and runs the loop.
 *
 * <p>One thread. Allocates only at construction.
 */
public final class NextAccessHost {

    /** Resident objects the candidates are drawn from. */
    public static final int RESIDENTS = 10_000;
    /** Every object's size in bytes. */
    private static final long SIZE = 4096;

    private final int k;
    private final SampledCandidates sampler;
    private final AccessHistory history = new AccessHistory(RESIDENTS + 1);
    private final int[] admitted = new int[RESIDENTS];
    private final int[] hits = new int[RESIDENTS];
    private final int[] objects;
    private final int incoming = RESIDENTS;
    private long tick;

    /**
     * @param k       candidates per decision, in [1, 64]
     * @param sampled draw candidates uniformly (else K fixed residents)
     * @param seed    seed of the request stream and of the sampling
     */
    public NextAccessHost(int k, boolean sampled, long seed) {
        if (k < 1 || k > 64) {
            throw new IllegalArgumentException("K must be in [1, 64], got " + k);
        }
        this.k = k;
        this.objects = new int[k];
        this.sampler = sampled ? new SampledCandidates(RESIDENTS, seed) : null;
        SplittableRandom r = new SplittableRandom(seed);
        for (int o = 0; o < RESIDENTS; o++) {
            history.record(o, tick);
            admitted[o] = (int) tick++;
            if (sampler != null) {
                sampler.inserted(o);
                sampler.touch(o, (int) tick);
            }
        }
        for (int i = 0; i < 20 * RESIDENTS; i++) {
            int o = r.nextInt(RESIDENTS);
            history.record(o, tick);
            hits[o]++;
            if (sampler != null) {
                sampler.touch(o, (int) tick);
            }
            tick++;
        }
    }

    /**
     * One whole decision for a request of the incoming object: candidates, their rows and the
     * incoming row, the loop's victim and admission.
     *
     * @return the victim's position plus 1 when the incoming object is admitted (a value to sink)
     */
    public long decide(NextAccessLoop.Decider decider) {
        int n;
        if (sampler != null) {
            n = sampler.draw(k, objects);
        } else {
            n = k;
            for (int j = 0; j < k; j++) {
                objects[j] = j;
            }
        }
        HistoryFeatures f = decider.features();
        for (int j = 0; j < n; j++) {
            int o = objects[j];
            f.resident(j, history, o, tick, SIZE, admitted[o], hits[o]);
        }
        history.record(incoming, tick);
        f.incoming(n, history, incoming, tick, SIZE);
        tick++;
        int victim = decider.decide(n, true);
        return victim + (decider.admit() ? 1 : 0);
    }
}
