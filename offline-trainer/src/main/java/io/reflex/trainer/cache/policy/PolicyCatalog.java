package io.reflex.trainer.cache.policy;

import io.reflex.trainer.cache.CachePolicy;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.policy.adaptive.ArcPolicy;
import io.reflex.trainer.cache.policy.coldrl.AdaptiveLruPolicy;
import io.reflex.trainer.cache.policy.coldrl.HybridPolicy;
import io.reflex.trainer.cache.policy.coldrl.SizePolicy;
import io.reflex.trainer.cache.policy.frequency.LfuPolicy;
import io.reflex.trainer.cache.policy.greedydual.GdsfPolicy;
import io.reflex.trainer.cache.policy.linked.FifoPolicy;
import io.reflex.trainer.cache.policy.linked.LruPolicy;
import io.reflex.trainer.cache.policy.linked.S3FifoPolicy;
import io.reflex.trainer.cache.policy.linked.SievePolicy;
import io.reflex.trainer.cache.policy.opt.BeladyPolicy;
import io.reflex.trainer.cache.policy.opt.SizeAwareBeladyPolicy;
import io.reflex.trainer.cache.policy.opt.TailBeladyPolicy;
import io.reflex.trainer.cache.policy.product.CaffeineWTinyLfu;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every policy by the name results carry, and how to build a fresh instance for one replay. The
 * baseline names are those of the command-line contracts ({@code docs/reference.md}); {@code lfu-aging}, {@code belady-size} and
 * {@code belady-tail} are extras.
 *
 * <table>
 *   <caption>Policies</caption>
 *   <tr><th>name</th><th>family (package)</th><th>what it is</th></tr>
 *   <tr><td>lru, fifo, sieve, s3fifo</td><td>linked</td><td>queue-based classics</td></tr>
 *   <tr><td>lfu, lfu-aging</td><td>frequency</td><td>in-cache LFU, optionally with dynamic aging</td></tr>
 *   <tr><td>gdsf</td><td>greedydual</td><td>Greedy-Dual-Size-Frequency</td></tr>
 *   <tr><td>size, adaptive-lru, hybrid</td><td>coldrl</td><td>Cold-RL's baselines as its code defines them</td></tr>
 *   <tr><td>arc</td><td>adaptive</td><td>Adaptive Replacement Cache</td></tr>
 *   <tr><td>wtinylfu</td><td>product</td><td>the real Caffeine cache</td></tr>
 *   <tr><td>belady, belady-size, belady-tail</td><td>opt</td><td>clairvoyant references (belady-tail: among the
 *       64 least recently used only, as the learned loop)</td></tr>
 * </table>
 *
 * Stateless and thread-safe.
 */
public final class PolicyCatalog {

    /** The twelve policies of the standard comparison, in report order. */
    public static final List<String> STANDARD = List.of("lru", "fifo", "lfu", "size", "gdsf", "adaptive-lru", "hybrid",
            "arc", "sieve", "s3fifo", "wtinylfu", "belady");

    private static final Map<String, Function<PolicySetup, CachePolicy>> FACTORIES = new LinkedHashMap<>();
    /** One sentence per policy, for reports and help: what it evicts, in words a reader can check. */
    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("lru", "Least recently used: evicts the object whose last request is the oldest."),
            Map.entry("fifo", "First in, first out: evicts the object admitted longest ago, however often it was hit."),
            Map.entry("lfu", "Least frequently used: evicts the object requested least often since it was admitted "
                    + "(ties: the least recently used)."),
            Map.entry("size", "Cold-RL's size baseline: evicts the largest object first."),
            Map.entry("gdsf", "Greedy-Dual-Size-Frequency (Cherkasova, 1998): evicts the lowest frequency / size, "
                    + "inflated by the last victim's priority so that recency counts too."),
            Map.entry("adaptive-lru", "Cold-RL's AdaptiveLRU: LRU in which objects over 50 KiB count as 1,000 s older, "
                    + "so large objects go first."),
            Map.entry("hybrid", "Cold-RL's Hybrid: evicts the highest 0.4 × idle seconds + 0.6 × size / largest size "
                    + "seen; in practice close to LRU."),
            Map.entry("arc", "Adaptive Replacement Cache (Megiddo and Modha, 2003): balances a list of objects seen once "
                    + "against one of objects seen twice, steered by ghost lists of recent victims."),
            Map.entry("sieve", "SIEVE (Zhang et al., 2024): a FIFO queue with a visited bit per object; a hand sweeps "
                    + "from the tail, sparing visited objects, and evicts the first unvisited one."),
            Map.entry("s3fifo", "S3-FIFO (Yang et al., 2023): a small FIFO screens out one-hit wonders, a main FIFO "
                    + "reinserts objects hit since, and a ghost queue readmits recent victims to main."),
            Map.entry("wtinylfu", "W-TinyLFU: the real Caffeine cache driven as a black box (an LRU window, admission "
                    + "by a frequency sketch, segmented LRU behind it)."),
            Map.entry("belady", "Belady's MIN, the clairvoyant bound: evicts the object requested furthest in the future "
                    + "(or caches nothing new when that object is the newcomer); it reads the future, so no real cache "
                    + "can reach it."),
            Map.entry("lfu-aging", "LFU with dynamic aging (Arlitt et al., 2000): the priority is the last victim's "
                    + "priority plus the count, so past popularity fades."),
            Map.entry("belady-size", "A size-aware clairvoyant reference: among " + SizeAwareBeladyPolicy.SAMPLE
                    + " sampled residents evicts the largest size × distance to the next request; strong, not a "
                    + "proven bound."),
            Map.entry("belady-tail", "A clairvoyant reference restricted to the " + TailBeladyPolicy.K
                    + " least recently used residents, as a learned loop on the LRU tail is."));

    static {
        FACTORIES.put("lru", s -> new LruPolicy());
        FACTORIES.put("fifo", s -> new FifoPolicy(s.trace().objectCount()));
        FACTORIES.put("lfu", s -> new LfuPolicy(s.trace().objectCount(), false));
        FACTORIES.put("size", s -> new SizePolicy(s.trace().objectCount()));
        FACTORIES.put("gdsf", s -> new GdsfPolicy(s.trace().objectCount()));
        FACTORIES.put("adaptive-lru", s -> new AdaptiveLruPolicy(s.trace().objectCount()));
        FACTORIES.put("hybrid", s -> new HybridPolicy(s.trace().objectCount()));
        FACTORIES.put("arc", s -> new ArcPolicy(s.trace().objectCount(), s.capacity().value()));
        FACTORIES.put("sieve", s -> new SievePolicy(s.trace().objectCount()));
        FACTORIES.put("s3fifo", s -> new S3FifoPolicy(s.trace().objectCount(), s.capacity().value()));
        FACTORIES.put("wtinylfu", s -> new CaffeineWTinyLfu(s.trace().objectCount(), s.capacity(), s.trace().hasTtls()));
        FACTORIES.put("belady", s -> new BeladyPolicy(s.trace()));
        FACTORIES.put("lfu-aging", s -> new LfuPolicy(s.trace().objectCount(), true));
        FACTORIES.put("belady-size", s -> new SizeAwareBeladyPolicy(s.trace(), s.seed()));
        FACTORIES.put("belady-tail", s -> new TailBeladyPolicy(s.trace()));
    }

    private PolicyCatalog() {
    }

    /** Every known name: the standard twelve, then the extras. */
    public static List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /**
     * What the policy does, in one sentence.
     *
     * @throws IllegalArgumentException naming the policy and the known names when it is unknown
     */
    public static String describe(String name) {
        String sentence = DESCRIPTIONS.get(name);
        if (sentence == null) {
            throw new IllegalArgumentException("unknown policy '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return sentence;
    }

    public static boolean isKnown(String name) {
        return FACTORIES.containsKey(name);
    }

    /**
     * A fresh policy for one replay.
     *
     * @throws IllegalArgumentException naming the policy and the known names when it is unknown
     */
    public static CachePolicy create(String name, PolicySetup setup) {
        Function<PolicySetup, CachePolicy> factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown policy '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return factory.apply(setup);
    }
}
