package io.reflex.adapters.caffeine;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.adapt.ChallengerShadow;
import io.reflex.engine.adapt.ChallengerSwitch;
import io.reflex.engine.adapt.LruFloor;
import io.reflex.engine.adapt.SpatialSampler;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.NextAccessLoop;

import java.util.concurrent.atomic.LongAdder;

/**
 * The floor under a history-1 {@link ReflexCache}'s learned policy: an {@link LruFloor} whose
 * classical rule is Caffeine's own ({@link CaffeineShadow}), sized as the simulator sizes its
 * floor, with the switches counted, logged and handed to the user's {@link FloorListener}.
 *
 * <h2>Settings</h2>
 * The engine's defaults, as the simulator's floor: the shadows see
 * {@value LruFloor#DEFAULT_SHADOW_ENTRIES} / entries of the keys (all of them for a smaller cache);
 * the switch decides at z = {@value LruFloor#DEFAULT_Z} at the end of each block of 1,024 sampled
 * requests, over a window of 16 blocks; the learned policy's miniature keeps
 * {@value LruFloor#DEFAULT_GHOSTS_PER_RESIDENT} ghost histories per resident. A learned policy that loses to W-TinyLFU on the sampled requests
 * by clearly more than {@code z·√(p / 16,384)} (p the fraction of sampled requests only one of
 * them hits) is demoted within a window and a block of sampled requests, 17,408 / rate requests,
 * and most often at the first block ends: a policy far below W-TinyLFU, at the first, 1,024 / rate
 * requests (1,024 for caches up to 4,096 entries).
 *
 * <p>Unlike the simulator's, the learned policy's miniature runs only while the policy is demoted
 * ({@link LruFloor#withLearnedShadowWhileDemoted}): while it serves, the floor makes no model
 * decision (with the miniature always on, it made about {@code rate} of the live cache's, 41% at
 * 10,000 entries). A demoted policy's miniature first takes {@value LruFloor#DEFAULT_WARMUP_PASSES} × its entries
 * of sampled requests unpaired, so promotion on the same evidence comes that much later: a policy
 * far above W-TinyLFU at the first block end after (2 × scaled entries + 1,024) / rate requests.
 *
 * <p>Memory: the W-TinyLFU shadow, about 130 bytes per scaled entry, and the learned policy's
 * miniature, {@code (1 + ghosts) × BoundedHistory.BYTES_PER_SLOT} per scaled entry: at most 4,096
 * scaled entries, under 3 MiB in all, whatever the cache's size.
 *
 * <h2>Threading</h2>
 * {@code HistoryEviction} reports requests ({@link #request}, {@link #sampledHit},
 * {@link #unsampledHit}) under its lock, in request order; they cost the caller a counter, or for a
 * sampled key three stores into a {@link FloorFeed}, whose replays run the shadows on the cache's
 * executor, under the feed's lock (so the listener and the log lines come from there). A switch
 * reaches the live cache through a volatile flag ({@link #learnedServes}). The counters and the
 * serving flag are read from any thread.
 */
final class PolicyFloor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PolicyFloor.class.getName());


    private final String cacheName;
    private final FloorListener listener;
    private final LruFloor floor;
    /** Which keys the shadows see: the floor's sampler. */
    private final SpatialSampler sampler;
    private final LongAdder demotions = new LongAdder();
    private final LongAdder promotions = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private volatile boolean learnedServes = true;
    private final FloorFeed feed;
    /** The challenger under shadow evaluation, or null; under the feed's lock. */
    private ChallengerShadow challenger;
    private Runnable onChallengerWin;
    /** What the challenger's loop holds (its store, the loop), closed with the challenger. */
    private AutoCloseable challengerResources;
    /** The challenger's file, for any thread to read. */
    private volatile String challengerLabel;
    private final LongAdder challengerWins = new LongAdder();

    /**
     * @param capacity the cache's capacity (entries, or weight under a weigher)
     * @param entries  the most entries resident at once
     * @param listener hears each switch, or null
     * @param executor runs the replays of the sampled requests
     */
    PolicyFloor(String cacheName, NextAccessLoop loop, EvictionModel model, long capacity, long entries,
                boolean weighted, FloorListener listener, java.util.concurrent.Executor executor) {
        this.cacheName = cacheName;
        this.listener = listener;
        double rate = LruFloor.defaultRate(entries);
        long warmup = LruFloor.DEFAULT_WARMUP_PASSES * new SpatialSampler(rate).scale(Math.max(1, entries));
        this.floor = LruFloor.withLearnedShadowWhileDemoted(rate, capacity, Math.max(1, entries),
                CaffeineShadow.factory(weighted), ChallengerSwitch.builder().z(LruFloor.DEFAULT_Z).build(), loop,
                model.candidates(), LruFloor.DEFAULT_GHOSTS_PER_RESIDENT, warmup, this::switched);
        this.sampler = floor.sampler();
        this.feed = new FloorFeed(this::replay, executor);
    }

    /**
     * One request that reached an object (a hit, or a write), after the live cache served it;
     * under the host's lock.
     *
     * @return what the key's node keeps for the floor ({@link SpatialSampler#kept}): the
     *         fingerprint when the shadows see the key, else {@link SpatialSampler#NEVER_SAMPLED}
     *         (unless {@link #samplesAll})
     */
    long request(long fingerprint, long weight, boolean liveHit) {
        long kept = sampler.kept(fingerprint);
        if (sampler.keptSampled(kept)) {
            feed.sampled(fingerprint, Math.max(1, weight), liveHit);
        } else {
            feed.unsampled(1);
        }
        return kept;
    }

    /**
     * A replayed hit of a key whose write said the shadows see it, after {@code unsampledBefore}
     * replayed hits of keys they do not see; under the host's lock.
     */
    void sampledHit(long fingerprint, long weight, long unsampledBefore) {
        feed.unsampled(unsampledBefore);
        feed.sampled(fingerprint, Math.max(1, weight), true);
    }

    /** Whether the shadows see every key (a node's {@link #request} value is then always its fingerprint). */
    boolean samplesAll() {
        return sampler.samplesAll();
    }

    /** A sampled request, replayed under the feed's lock. */
    private void replay(long fingerprint, long weight, boolean liveHit, long atRequest) {
        floor.requestSampled(fingerprint, weight, liveHit, atRequest);
        if (challenger != null) {
            challenge(fingerprint, weight, liveHit);
        }
    }

    /** Replays the sampled requests waiting, on the calling thread ({@code cleanUp}). */
    void replayWaiting() {
        feed.replay();
    }

    /**
     * Starts the shadow evaluation of a challenger on the floor's sampled keys, in place of one
     * under evaluation (closed), from the next replay on; any thread. Its miniature is warmed with
     * {@value LruFloor#DEFAULT_WARMUP_PASSES} × its entries of sampled requests before the pairing starts.
     *
     * @param loop      the loop serving the challenger's model
     * @param resources closed when the evaluation ends (a win, a replacement, the cache's close):
     *                  the loop and its store
     * @param onWin     run once, on the replaying thread, when the challenger wins: the host swaps
     *                  it in (without taking its lock: hand it to another thread)
     */
    void challenge(NextAccessLoop loop, EvictionModel model, String label, AutoCloseable resources, Runnable onWin) {
        feed.locked(() -> startChallenge(loop, model, label, resources, onWin));
    }

    private void startChallenge(NextAccessLoop loop, EvictionModel model, String label, AutoCloseable resources,
                                Runnable onWin) {
        dropChallenger();
        challenger = new ChallengerShadow(loop, model.candidates(), floor.shadowCapacity(), floor.shadowEntries(),
                LruFloor.DEFAULT_GHOSTS_PER_RESIDENT, LruFloor.DEFAULT_WARMUP_PASSES * (long) floor.shadowEntries(), LruFloor.DEFAULT_Z, (at, lead, discordant) ->
                LOG.log(System.Logger.Level.INFO, "cache '" + cacheName + "': challenger " + label + " wins: it leads the live"
                        + " cache by " + lead + " hits over " + discordant + " discordant sampled requests (" + at
                        + " paired); swapping it in"));
        challengerLabel = label;
        onChallengerWin = onWin;
        challengerResources = resources;
        LOG.log(System.Logger.Level.INFO, "cache '" + cacheName + "': challenger " + label
                + " under shadow evaluation on the sampled keys");
    }

    private void challenge(long fingerprint, long weight, boolean liveHit) {
        if (challenger.request(fingerprint, weight, liveHit, floor.requests())) {
            challengerWins.increment();
            Runnable win = onChallengerWin;
            dropChallenger();
            win.run();
        }
    }

    private void dropChallenger() {
        if (challenger != null) {
            challenger.close();
            try {
                challengerResources.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "cache '" + cacheName + "': closing challenger " + challengerLabel
                        + ": " + e);
            }
            challenger = null;
            challengerLabel = null;
            onChallengerWin = null;
            challengerResources = null;
        }
    }

    /** The challenger under evaluation, or null; any thread. */
    String challengerLabel() {
        return challengerLabel;
    }

    long challengerWins() {
        return challengerWins.sum();
    }

    /** Replayed hits of keys the shadows do not see: counted only; under the host's lock. */
    void unsampledHits(long n) {
        feed.unsampled(n);
    }

    /** Whether the learned policy makes the next eviction (else Caffeine's order), as of the latest replay. */
    boolean learnedServes() {
        return learnedServes;
    }

    /** A write needing room while demoted, evicted by Caffeine's order. */
    void countWrite() {
        writes.increment();
    }

    private void switched(boolean learned, long atRequest) {
        (learned ? promotions : demotions).increment();
        learnedServes = learned;
        LOG.log(learned ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "cache '" + cacheName + "': learned eviction policy " + (learned
                        ? "promoted: its miniature beats Caffeine's own eviction on the sampled keys"
                        : "demoted to Caffeine's own eviction: it loses to W-TinyLFU on the sampled keys")
                        + ", at request " + atRequest);
        if (listener != null) {
            listener.switched(learned, atRequest);
        }
    }

    long demotions() {
        return demotions.sum();
    }

    long promotions() {
        return promotions.sum();
    }

    long writes() {
        return writes.sum();
    }


    void register(MeterRegistry registry, String name) {
        FunctionCounter.builder("reflex.caffeine.challenger.wins", challengerWins, LongAdder::sum).tag("cache", name)
                .description("Challengers that beat the live cache on the sampled keys and were swapped in").register(registry);
        FunctionCounter.builder("reflex.caffeine.floor.demotions", demotions, LongAdder::sum)
                .description("times the learned policy was demoted to Caffeine's own eviction").tag("cache", name)
                .register(registry);
        FunctionCounter.builder("reflex.caffeine.floor.promotions", promotions, LongAdder::sum)
                .description("times a demoted learned policy was promoted back").tag("cache", name)
                .register(registry);
        FunctionCounter.builder("reflex.caffeine.floor.writes", writes, LongAdder::sum)
                .description("writes needing room while demoted, evicted in Caffeine's order").tag("cache", name)
                .register(registry);
        FunctionCounter.builder("reflex.caffeine.floor.caller.replays", feed, FloorFeed::replayedByCaller)
                .description("sampled requests the floor's shadows took on a caller's thread because the executor"
                        + " fell behind").tag("cache", name).register(registry);
        Gauge.builder("reflex.caffeine.floor.learned.serving", this, f -> f.learnedServes ? 1 : 0)
                .description("1 while the learned policy evicts, 0 while demoted").tag("cache", name)
                .register(registry);
    }

    /** Sampled requests a caller replayed itself, the executor having fallen behind ({@link FloorFeed#replayedByCaller}). */
    long replayedByCaller() {
        return feed.replayedByCaller();
    }

    /** Sampled requests not yet replayed (for tests). */
    long waiting() {
        return feed.waiting();
    }

    @Override
    public void close() {
        feed.close(() -> {
            dropChallenger();
            floor.close();
        });
    }
}
