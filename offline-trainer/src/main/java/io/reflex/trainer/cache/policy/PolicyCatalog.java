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
