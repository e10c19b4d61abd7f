package io.reflex.adapters.caffeine;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.SwapResult;
import org.jetbrains.lincheck.LincheckAssertionError;
import kotlin.Unit;
import kotlin.reflect.KFunction;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.jetbrains.lincheck.datastructures.DSLThreadScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReflexCache#getIfPresent}, {@link ReflexCache#put} and {@link ReflexCache#invalidate} are
 * linearizable: every concurrent history Lincheck produces on four keys and three values is one a
 * plain {@link HashMap} could give, operation by operation, in some order consistent with real time.
 * The capacity (64) is far above the four keys, so nothing is evicted and a map is the whole
 * sequential specification; each instance checks afterwards that the policy never ran.
 *
 * <p>Both serving paths: a Cold-RL model (the default layout: reads bump the node, writes go to
 * Caffeine) and a {@code history-1} model (hits appended to a lock-free buffer and replayed under a
 * lock, writes and invalidations under that lock). Two modes each: Lincheck's model checker, which
 * explores thread interleavings systematically, over caches built with
 * {@code executor(Runnable::run)} and a fixed ticker, so that Caffeine's maintenance runs on the
 * operation's thread and no thread outside the checker's control touches the cache; and Lincheck's
 * stress mode, real threads over caches built as in production (Caffeine's maintenance on the common
 * pool, the system ticker and its coarse clock thread).
 *
 * <p>{@link ReflexCache#get(Object, java.util.function.Function)} is left out of the map model on
 * purpose: it does not coalesce concurrent loads (its Javadoc), so a get-or-load racing a put is
 * not atomic. {@link #getWithALoaderIsNotAtomicWhichTheCheckerFinds} shows the checker finding
 * exactly that, which is also what makes the passing checks mean something.
 *
 * <p>Budget: {@code reflex.lincheck.iterations} scenarios of {@code reflex.lincheck.invocations}
 * runs each, per check (small in the default build; {@code -Pstress} raises them, see the parent
 * pom and docs/design.md).
 */
class ReflexCacheLinearizabilityTest {

    /** Far above the four keys: nothing is ever evicted, so the map is the specification. */
    static final int CAPACITY = 64;
    static final int ITERATIONS = Integer.getInteger("reflex.lincheck.iterations", 3);
    static final int INVOCATIONS = Integer.getInteger("reflex.lincheck.invocations", 50);

    @AfterAll
    static void closeTheLastCache() {
        Instances.closeLast();
    }

    @Test
    void coldRlPathIsLinearizableUnderTheModelChecker() {
        check(modelChecking(), ColdRl.class);
    }

    @Test
    void historyOnePathIsLinearizableUnderTheModelChecker() {
        check(modelChecking(), HistoryOne.class);
    }

    @Test
    void coldRlPathIsLinearizableUnderStress() {
        check(stress(), ColdRlAsync.class);
    }

    @Test
    void historyOnePathIsLinearizableUnderStress() {
        check(stress(), HistoryOneAsync.class);
    }

    @Test
    void getWithALoaderIsNotAtomicWhichTheCheckerFinds() {
        // get(1, loader) misses, put(1, v1) lands, then the load (v0) is stored over it and returned,
        // and stays: neither order of the two as atomic operations gives both results.
        KFunction<?> getOrLoad = operation("getOrLoad", int.class, int.class);
        KFunction<?> put = operation("put", int.class, int.class);
        KFunction<?> getIfPresent = operation("getIfPresent", int.class);
        ModelCheckingOptions oneScenario = new ModelCheckingOptions().iterations(0).invocationsPerIteration(INVOCATIONS)
                .addCustomScenario(scenario -> {
                    scenario.parallel(threads -> {
                        threads.thread(t -> actor(t, getOrLoad, 1, 0));
                        threads.thread(t -> actor(t, put, 1, 1));
                        return Unit.INSTANCE;
                    });
                    scenario.post(t -> actor(t, getIfPresent, 1));
                    return Unit.INSTANCE;
                });
        LincheckAssertionError found = assertThrows(LincheckAssertionError.class, () -> check(oneScenario, WithLoader.class));
        assertTrue(found.getMessage().contains("getOrLoad(1, 0): v0"), found.getMessage());
    }

    private static KFunction<?> operation(String name, Class<?>... parameters) {
        try {
            return ReflectJvmMapping.getKotlinFunction(WithLoader.class.getMethod(name, parameters));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static Unit actor(DSLThreadScenario thread, KFunction<?> operation, Object... arguments) {
        thread.actor(operation, arguments);
        return Unit.INSTANCE;
    }

    private static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions().iterations(ITERATIONS).invocationsPerIteration(INVOCATIONS)
                .threads(3).actorsPerThread(3).actorsBefore(2).actorsAfter(2);
    }

    private static StressOptions stress() {
        return new StressOptions().iterations(ITERATIONS).invocationsPerIteration(INVOCATIONS)
                .threads(3).actorsPerThread(3).actorsBefore(2).actorsAfter(2);
    }

    private static void check(Options<?, ?> options, Class<?> operations) {
        long start = System.nanoTime();
        try {
            options.sequentialSpecification(SequentialCache.class).check(operations);
        } finally {
            Instances.closeLast();
            System.out.printf("%s %s: %d caches built in %.1f s%n", options.getClass().getSimpleName(),
                    operations.getSimpleName(), Instances.built(), (System.nanoTime() - start) / 1e9);
        }
    }

    /** The sequential specification: a map. */
    public static final class SequentialCache {
        private final Map<Integer, String> map = new HashMap<>();

        public String getIfPresent(int key) {
            return map.get(key);
        }

        public void put(int key, int value) {
            map.put(key, value(value));
        }

        public void invalidate(int key) {
            map.remove(key);
        }

        public String getOrLoad(int key, int value) {
            return map.computeIfAbsent(key, k -> value(value));
        }
    }

    static String value(int v) {
        return "v" + v;
    }

    /**
     * The operations Lincheck runs on one cache. Lincheck builds an instance per run with the no-arg
     * constructor and has no hook for closing it: each instance closes the one before it (runs are
     * sequential), and the check closes the last.
     */
    @Param(name = "key", gen = IntGen.class, conf = "1:4")
    @Param(name = "value", gen = IntGen.class, conf = "0:2")
    public abstract static class Operations {
        final ReflexCache<Integer, String> cache;

        Operations(ReflexCache<Integer, String> cache) {
            this.cache = cache;
            Instances.opened(cache);
        }

        @Operation
        public String getIfPresent(@Param(name = "key") int key) {
            return cache.getIfPresent(key);
        }

        @Operation
        public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
            cache.put(key, value(value));
        }

        @Operation
        public void invalidate(@Param(name = "key") int key) {
            cache.invalidate(key);
        }

        /** The premise of the map model: the policy never ran, nothing was evicted. */
        @Validate
        public void nothingWasEvicted() {
            cache.cleanUp();
            assertEquals(0, cache.policyDecisions(), "policy decisions");
            assertEquals(0, cache.fallbackWrites(), "fallback writes");
            assertEquals(0, cache.stats().evictionCount(), "Caffeine's evictions");
            assertTrue(cache.estimatedSize() <= 4, "at most the four keys are resident");
            if (cache.historyEviction() != null) {
                cache.historyEviction().checkInvariants();
            }
        }
    }

    /** The Cold-RL path, deterministic maintenance (model checking). */
    public static final class ColdRl extends Operations {
        public ColdRl() {
            super(Models.build(Models.COLD_RL, true));
        }
    }

    /** The history-1 path, deterministic maintenance (model checking). */
    public static final class HistoryOne extends Operations {
        public HistoryOne() {
            super(Models.build(Models.HISTORY_1, true));
        }
    }

    /** The Cold-RL path as built in production (stress). */
    public static final class ColdRlAsync extends Operations {
        public ColdRlAsync() {
            super(Models.build(Models.COLD_RL, false));
        }
    }

    /** The history-1 path as built in production (stress). */
    public static final class HistoryOneAsync extends Operations {
        public HistoryOneAsync() {
            super(Models.build(Models.HISTORY_1, false));
        }
    }

    /** The Cold-RL path with get(k, loader) as an operation, against the map's computeIfAbsent. */
    public static final class WithLoader {
        private final ReflexCache<Integer, String> cache = Models.build(Models.COLD_RL, true);

        public WithLoader() {
            Instances.opened(cache);
        }

        @Operation
        public String getIfPresent(int key) {
            return cache.getIfPresent(key);
        }

        @Operation
        public void put(int key, int value) {
            cache.put(key, value(value));
        }

        @Operation
        public String getOrLoad(int key, int value) {
            return cache.get(key, k -> value(value));
        }
    }

    /** The two models, written once per JVM into a temporary directory. */
    static final class Models {
        static final Path DIR;
        static final Path COLD_RL;
        static final Path HISTORY_1;

        static {
            try {
                DIR = Files.createTempDirectory("reflex-lincheck");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            COLD_RL = TestPolicies.dueling(DIR.resolve("cold-rl.onnx"), 2001, 16);
            HISTORY_1 = TestPolicies.randomHistory(DIR.resolve("history-1.onnx"), 2002,
                    new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.LRU, 16, false));
            COLD_RL.toFile().deleteOnExit();
            HISTORY_1.toFile().deleteOnExit();
            DIR.toFile().deleteOnExit();
        }

        /**
         * A cache serving {@code model}. Loaded as {@link ReflexCache.Builder#model} loads it, but
         * without the store's warm-up (thousands of evaluations, for a policy these checks never
         * call, that would dominate every run under the checker's instrumentation).
         */
        static ReflexCache<Integer, String> build(Path model, boolean deterministic) {
            boolean history = model.equals(HISTORY_1);
            PolicyStore store = PolicyStore.create(history ? ServedModel.historyLoader()
                    : ServedModel.coldRlLoader().build(), List.of(), Duration.ZERO);
            SwapResult offered = store.offer(model);
            assertTrue(offered.accepted(), offered::reason);
            ReflexCache.Builder<Integer, String> b = ReflexCache.<Integer, String>builder().maximumSize(CAPACITY)
                    .policyStore(store).deadline(Duration.ofSeconds(5)).recordStats();
            if (deterministic) {
                b.executor(Runnable::run).ticker(() -> 0L);
            }
            ReflexCache<Integer, String> cache = b.build();
            assertEquals(history, cache.evictionModel().readsHistory(), "the path served");
            return cache;
        }
    }

    /** The one cache open at a time. */
    static final class Instances {
        private static ReflexCache<?, ?> open;
        private static long built;

        /** Caches built since the last call. */
        static synchronized long built() {
            long n = built;
            built = 0;
            return n;
        }

        static synchronized void opened(ReflexCache<?, ?> cache) {
            built++;
            if (open != null) {
                open.close();
            }
            open = cache;
        }

        static synchronized void closeLast() {
            if (open != null) {
                open.close();
                open = null;
            }
        }
    }
}
