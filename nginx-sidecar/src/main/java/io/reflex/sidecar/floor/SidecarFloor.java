package io.reflex.sidecar.floor;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.reflex.engine.adapt.ChallengerSwitch;
import io.reflex.engine.adapt.LruFloor;
import io.reflex.engine.adapt.MiniatureLru;
import io.reflex.engine.adapt.SpatialSampler;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.runtime.ModelVersion;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.sidecar.server.SidecarLog;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The LRU floor under the sidecar's history-1 model, fed by NGINX's access log: each followed
 * request ({@link AccessLogLine}) goes to an engine {@link LruFloor} as the live cache's outcome;
 * when the model loses to the LRU shadow with confidence the floor demotes it, and the sidecar then
 * answers every EVICT as LRU would ({@link #learnedServes()} false: the candidate with the largest
 * recency, admitted); when the model's miniature beats the live cache (LRU by then) with confidence,
 * it is promoted back. Every switch is logged, counted and published to the responders.
 *
 * <h2>Settings</h2>
 * The engine's defaults, as the simulator's floor and the Caffeine adapter's: the shadows see
 * {@value LruFloor#DEFAULT_SHADOW_ENTRIES} / entries of the keys (all of them for a smaller cache),
 * the switch decides at z = {@value LruFloor#DEFAULT_Z} at the end of each block of 1,024 sampled
 * requests over a window of 16 blocks. A model that loses to LRU on the sampled requests by clearly
 * more than {@code z·√(p / 16,384)} (p the fraction of sampled requests only one of them hits) is
 * demoted within a window and a block of sampled requests, 17,408 / rate requests, and a model far
 * below LRU at the first block end, 1,024 / rate requests (1,024 for a cache of up to 4,096
 * entries). As in the Caffeine adapter the model's miniature runs only while it is demoted
 * ({@link LruFloor#withLearnedShadowWhileDemoted}), after {@value LruFloor#DEFAULT_WARMUP_PASSES} × its entries of
 * unpaired sampled requests, so a serving model costs the floor no model decision.
 *
 * <h2>Units</h2>
 * NGINX's {@code max_size} counts blocks on disk, so the capacity is {@code max_size} bytes and each
 * object weighs its {@code $body_bytes_sent} rounded up to whole {@value #BLOCK}-byte blocks (at
 * least one): the size column NGINX sends in history-1 rows. Entries bound the shadows' memory and
 * set the sampling rate: at most {@code max_size / }{@value #BLOCK} files fit, unless the keys zone
 * holds fewer ({@code --cache-max-entries}). The floor's clock is the cache lookups it reads (hits,
 * stored misses and misses that stored nothing), as NGINX's history-1 tick counts lookups.
 *
 * <h2>Memory</h2>
 * The LRU shadow, about 36 bytes per scaled entry, and the model's miniature, {@code (1 + }
 * {@value LruFloor#DEFAULT_GHOSTS_PER_RESIDENT}{@code ) × BoundedHistory.BYTES_PER_SLOT} per scaled
 * entry: at most {@value LruFloor#DEFAULT_SHADOW_ENTRIES} scaled entries, a few MiB whatever the
 * cache's size.
 *
 * <h2>Hot reload</h2>
 * When the store serves a new version, the floor starts afresh for it (a new {@link LruFloor}: the
 * old one's evidence was about another model), serving the new model; logged, and counted in
 * {@code reflex_sidecar_floor_resets_total}.
 *
 * <p>Threading: {@link #line}, {@link #overlong} and {@link #polled} run on the follower's thread
 * only, which alone touches the engine floor; {@link #learnedServes()} (volatile) and the counters
 * are read from any thread. Allocation-free per line; a switch or a logged malformed line allocates.
 */
public final class SidecarFloor implements AccessLogFollower.Sink, AutoCloseable {

    /**
     * The block size {@code max_size} is counted in: NGINX adds each file's size on disk in the file
     * system's blocks, 4 KiB on the usual ones.
     */
    public static final int BLOCK = 4096;


    /** Malformed lines logged in full before the rest are only counted (one in {@value #LOG_EVERY} logged). */
    private static final int LOGGED_MALFORMED = 5;
    private static final int LOG_EVERY = 10_000;

    private final Path file;
    private final PolicyStore store;
    private final NextAccessLoop loop;
    private final EvictionModel contract;
    private final long capacity;
    private final long entries;
    private final AccessLogLine parsed = new AccessLogLine();
    private final AtomicLong followed = new AtomicLong();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong demotions = new AtomicLong();
    private final AtomicLong promotions = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    /** The latest switch's request count, counted from the start of the floor it happened in (0: none yet). */
    private final AtomicLong lastSwitchAt = new AtomicLong();
    private LruFloor floor;
    /** The challenger beside the served model, or null without {@code --challenger}. */
    private final SidecarChallenger challenger;
    private ModelVersion version;
    private volatile boolean learnedServes = true;

    /**
     * @param file     the followed access log (named in logs)
     * @param store    the serving store: the model's miniature decides with its current version
     * @param contract the served model's contract (K, candidates, admission)
     * @param capacity NGINX's {@code max_size}, in bytes
     * @param entries  the most files the cache holds at once (0: {@code capacity / BLOCK})
     * @throws IllegalArgumentException if the capacity is under one block or the model is not history-1
     */
    public SidecarFloor(Path file, PolicyStore store, EvictionModel contract, long capacity, long entries) {
        this(file, store, contract, capacity, entries, null, null);
    }

    /**
     * As above, with a challenger ({@link SidecarChallenger}) evaluated on the floor's sampled keys.
     *
     * @param served     the served model's file, replaced by a challenger that wins
     * @param challenger the challenger's file, watched (null: none)
     */
    public SidecarFloor(Path file, PolicyStore store, EvictionModel contract, long capacity, long entries, Path served,
                        Path challenger) {
        this.file = Objects.requireNonNull(file, "file");
        this.store = Objects.requireNonNull(store, "store");
        this.contract = Objects.requireNonNull(contract, "contract");
        if (!contract.readsHistory()) {
            throw new IllegalArgumentException("the LRU floor needs a history-1 model, not " + contract.schema());
        }
        if (capacity < BLOCK) {
            throw new IllegalArgumentException("cache max size must be at least one block (" + BLOCK + " bytes), got "
                    + capacity);
        }
        this.capacity = capacity;
        this.entries = entries > 0 ? entries : capacity / BLOCK;
        // The miniature's own loop on the serving store (a hot-reloaded version reaches it too),
        // without a deadline (it runs off the decision path; a late decision on a busy follower
        // thread is no reason to fall back) and without meters, so that reflex_decisions_total
        // counts NGINX's decisions only. Never closed: closing a runtime closes its store, which is
        // the serving loop's.
        this.loop = NextAccessLoop.builder().k(contract.k()).admission(contract.admission()).store(store)
                .noDeadline().loopName("floor").build();
        this.version = store.version().orElse(null);
        this.floor = newFloor();
        this.challenger = challenger == null ? null : new SidecarChallenger(challenger, Objects.requireNonNull(served, "served"),
                contract, floor.shadowCapacity(), floor.shadowEntries(),
                LruFloor.DEFAULT_WARMUP_PASSES * (long) floor.shadowEntries());
    }

    private LruFloor newFloor() {
        double rate = LruFloor.defaultRate(entries);
        long warmup = LruFloor.DEFAULT_WARMUP_PASSES * new SpatialSampler(rate).scale(entries);
        return LruFloor.withLearnedShadowWhileDemoted(rate, capacity, entries, MiniatureLru::new,
                ChallengerSwitch.builder().z(LruFloor.DEFAULT_Z).build(), loop, contract.candidates(),
                LruFloor.DEFAULT_GHOSTS_PER_RESIDENT, warmup, this::switched);
    }

    /** What the floor is, for the start-up log. */
    public String describe() {
        double rate = LruFloor.defaultRate(entries);
        return String.format(java.util.Locale.ROOT, "LRU floor on %s: max size %,d bytes, at most %,d files, "
                + "shadows over %.4g of the keys (%,d entries)", file, capacity, entries, rate,
                new SpatialSampler(rate).scale(entries));
    }

    @Override
    public void line(byte[] bytes, int from, int to, long number) {
        String problem = parsed.parse(bytes, from, to);
        if (problem != null) {
            malformed(number, problem);
            return;
        }
        switch (parsed.kind()) {
            case HIT, MISS -> {
                long fingerprint = parsed.fingerprint();
                long weight = weight(parsed.bytes());
                boolean hit = parsed.kind() == AccessLogLine.Kind.HIT;
                floor.request(fingerprint, weight, hit);
                if (challenger != null && floor.sampled(fingerprint)) {
                    challenger.request(fingerprint, weight, hit, floor.requests());
                }
                followed.incrementAndGet();
            }
            case LOOKUP -> {
                floor.requestUnsampled();    // a tick of the cache's clock; nothing any policy could have held
                lookups.incrementAndGet();
            }
            case SKIPPED -> skipped.incrementAndGet();
        }
    }

    /** The weight of an object of {@code bytes}: whole blocks, at least one. */
    static long weight(long bytes) {
        return Math.max(1, (bytes + BLOCK - 1) / BLOCK) * BLOCK;
    }

    @Override
    public void overlong(long number) {
        malformed(number, "longer than " + AccessLogFollower.MAX_LINE + " bytes");
    }

    private void malformed(long number, String problem) {
        long n = malformed.incrementAndGet();
        if (n <= LOGGED_MALFORMED || n % LOG_EVERY == 0) {
            SidecarLog.warn("access log %s, line %,d: skipped, %s (%,d malformed lines so far%s)", file, number,
                    problem, n, n == LOGGED_MALFORMED ? "; from now on one in " + LOG_EVERY + " is logged" : "");
        }
    }

    /** Starts a fresh floor when the store serves a new version; looks at the challenger's file. */
    @Override
    public void polled() {
        boolean changed = freshFloorForANewVersion();
        if (challenger != null) {
            challenger.polled(changed);
        }
    }

    private boolean freshFloorForANewVersion() {
        ModelVersion now = store.version().orElse(null);
        if (now == null || now.equals(version)) {
            return false;
        }
        version = now;
        floor.close();
        floor = newFloor();
        resets.incrementAndGet();
        boolean wasDemoted = !learnedServes;
        learnedServes = true;
        SidecarLog.info("LRU floor: model %s swapped in, the floor starts afresh for it%s", now.label(),
                wasDemoted ? "; the new model evicts (the one the floor had demoted is gone)" : "");
        return true;
    }

    private void switched(boolean learned, long atRequest) {
        lastSwitchAt.set(atRequest);
        (learned ? promotions : demotions).incrementAndGet();
        learnedServes = learned;
        if (learned) {
            SidecarLog.info("LRU floor: model promoted, it evicts again: its miniature beats the live cache's LRU "
                    + "on the sampled keys (%,d requests followed since the floor started)", atRequest);
        } else {
            SidecarLog.warn("LRU floor: model demoted, every eviction is LRU's until it wins again: it loses to the LRU "
                    + "shadow on the sampled keys (%,d requests followed since the floor started)", atRequest);
        }
    }

    /** Whether the model decides the evictions now (false: demoted, LRU decides); any thread. */
    public boolean learnedServes() {
        return learnedServes;
    }

    /** Requests given to the floor (hits and stored misses). */
    public long followed() {
        return followed.get();
    }

    /** Malformed (and overlong) lines skipped. */
    public long malformed() {
        return malformed.get();
    }

    public long demotions() {
        return demotions.get();
    }

    public long promotions() {
        return promotions.get();
    }

    /** Fresh floors started for hot-reloaded models. */
    public long resets() {
        return resets.get();
    }

    /** Registers the floor's meters (names in docs/reference.md). */
    public void register(MeterRegistry registry, AccessLogFollower follower) {
        FunctionCounter.builder("reflex.sidecar.floor.switches", demotions, AtomicLong::get).tag("to", "lru")
                .description("LRU floor switches: to=lru a demotion, to=learned a promotion").register(registry);
        FunctionCounter.builder("reflex.sidecar.floor.switches", promotions, AtomicLong::get).tag("to", "learned")
                .description("LRU floor switches: to=lru a demotion, to=learned a promotion").register(registry);
        Gauge.builder("reflex.sidecar.floor.learned.serves", this, f -> f.learnedServes ? 1 : 0)
                .description("1 while the model evicts, 0 while the LRU floor has demoted it").register(registry);
        Gauge.builder("reflex.sidecar.floor.last.switch.request", lastSwitchAt, AtomicLong::get)
                .description("Requests the floor had followed since it started (or restarted for a new model) at its latest switch")
                .register(registry);
        FunctionCounter.builder("reflex.sidecar.floor.requests", followed, AtomicLong::get)
                .description("Access log requests the floor followed (hits and stored misses)").register(registry);
        FunctionCounter.builder("reflex.sidecar.floor.lines", lookups, AtomicLong::get).tag("kind", "lookup")
                .description("Access log lines by kind, other than followed requests").register(registry);
        FunctionCounter.builder("reflex.sidecar.floor.lines", skipped, AtomicLong::get).tag("kind", "skipped")
                .description("Access log lines by kind, other than followed requests").register(registry);
        FunctionCounter.builder("reflex.sidecar.floor.lines", malformed, AtomicLong::get).tag("kind", "malformed")
                .description("Access log lines by kind, other than followed requests").register(registry);
        FunctionCounter.builder("reflex.sidecar.floor.resets", resets, AtomicLong::get)
                .description("Fresh floors started for hot-reloaded models").register(registry);
        if (challenger != null) {
            FunctionCounter.builder("reflex.sidecar.challenger.wins", challenger, SidecarChallenger::wins)
                    .description("Challengers that beat the live cache on the sampled keys and replaced the served model")
                    .register(registry);
            FunctionCounter.builder("reflex.sidecar.challenger.refused", challenger, SidecarChallenger::refused)
                    .description("Challenger files refused: not loadable, or another contract").register(registry);
            Gauge.builder("reflex.sidecar.challenger.evaluating", challenger, c -> c.evaluating() ? 1 : 0)
                    .description("1 while a challenger is under shadow evaluation").register(registry);
        }
        FunctionCounter.builder("reflex.sidecar.floor.log.reopens", follower, AccessLogFollower::reopened)
                .tag("reason", "rotated").description("Access log reopened: a new file, or read again").register(registry);
        FunctionCounter.builder("reflex.sidecar.floor.log.reopens", follower, AccessLogFollower::truncated)
                .tag("reason", "truncated").description("Access log reopened: a new file, or read again").register(registry);
    }

    /** Challengers that won and replaced the served model (0 without {@code --challenger}). */
    public long challengerWins() {
        return challenger == null ? 0 : challenger.wins();
    }

    /** Whether a challenger is under evaluation now. */
    public boolean challengerEvaluating() {
        return challenger != null && challenger.evaluating();
    }

    /** Closes the model's miniature and the challenger's (on the follower's thread, or after it stopped). */
    @Override
    public void close() {
        if (challenger != null) {
            challenger.close();
        }
        floor.close();
    }
}
