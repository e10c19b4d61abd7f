package io.reflex.trainer.cli;

import io.reflex.trainer.cache.HitHistory;
import io.reflex.trainer.rl.EvictionTraining;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The exploring behaviour's options, as one picocli mixin ({@code @Mixin BehaviourOptions behaviour;})
 * for the commands that replay a trace under it: {@code ./reflex train eviction} (whose
 * {@code --objective dqn} replays one trace) and {@code ./reflex replay} (a fleet's logs on Spark), so
 * that both take the same names, defaults and checks, and a fleet replay records what a single-process
 * training would. The defaults are {@link EvictionTraining.Behaviour#defaults}'s. {@code --k} and
 * {@code --candidates} stay null when not given, for a command with other defaults of its own
 * ({@code train eviction}'s next-access objective).
 *
 * <p>Filled by picocli on the command's thread; {@link #behaviour} allocates one record.
 */
public final class BehaviourOptions {

    /** Every option of this mixin, for a command that refuses them in some mode. */
    public static final List<String> NAMES = List.of("--k", "--epsilon", "--cost-discount", "--size-exponent",
            "--hit-history", "--candidates", "--eviction-cost");

    // compile-time constants from the record's defaults, so that picocli's defaults are those
    private static final String EPSILON = "" + EvictionTraining.Behaviour.EPSILON;
    private static final String COST_DISCOUNT = "" + EvictionTraining.Behaviour.COST_DISCOUNT;
    private static final String SIZE_EXPONENT = "" + EvictionTraining.Behaviour.SIZE_EXPONENT;
    private static final String HIT_HISTORY_OFF = "" + HitHistory.OFF;

    @Option(names = "--k", paramLabel = "K",
            description = "Candidates per decision, 1..64 (default " + EvictionTraining.K + "; train eviction's "
                    + "next-access objective: 64).")
    Integer k;

    @Option(names = "--epsilon", defaultValue = EPSILON, paramLabel = "E",
            description = "Exploration of the behaviour LRU (default ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--cost-discount", defaultValue = COST_DISCOUNT, paramLabel = "G",
            description = "γ_c: discount of a victim's future miss per later decision (default ${DEFAULT-VALUE}).")
    double costDiscount;

    @Option(names = "--size-exponent", defaultValue = SIZE_EXPONENT, paramLabel = "B",
            description = "β: a miss caused by an eviction costs (victim size / mean size)^-β (default ${DEFAULT-VALUE}).")
    double sizeExponent;

    @Option(names = "--hit-history", defaultValue = HIT_HISTORY_OFF, paramLabel = "PERIOD",
            description = "The hit-count feature as a request count that survives eviction, halved every PERIOD requests "
                    + "(0: never; the eviction suite's dqn training uses 3000); -1: hits since admission (default ${DEFAULT-VALUE}), the feature "
                    + "the Caffeine adapter and the NGINX sidecar supply. Stored in the model's metadata (reflex.hit-history).")
    int hitHistory;

    @Option(names = "--candidates", paramLabel = "lru|sampled",
            description = "The K candidates of a decision: the K least recently used (lru, the default) or K "
                    + "resident objects sampled uniformly with a seeded random (sampled, as LRB; the default of train "
                    + "eviction's next-access objective), least recently requested first. "
                    + "sampled is stored in the model's metadata (reflex.candidates) and the reflex policy samples the same way.")
    String candidates;

    @Option(names = "--eviction-cost", defaultValue = "0", paramLabel = "C",
            description = "A fixed cost of every eviction added to each candidate's training cost (default ${DEFAULT-VALUE}): "
                    + "every Q-value below 0 (one victim per decision), and the semi-Markov bootstrap then values freed space.")
    double evictionCost;

    /** {@code --k} as given, or null. */
    public Integer k() {
        return k;
    }

    /** {@code --candidates} as given, or null. */
    public String candidates() {
        return candidates;
    }

    /**
     * The behaviour these options describe: K {@value EvictionTraining#K} and lru candidates unless
     * given, {@code rounds} collect-and-train rounds, exploration seeded with {@code seed}.
     *
     * @throws IllegalArgumentException naming the value out of range
     */
    public EvictionTraining.Behaviour behaviour(int rounds, long seed) {
        String c = candidates == null ? "lru" : candidates;
        if (!c.equals("lru") && !c.equals("sampled")) {
            throw new IllegalArgumentException("--candidates must be lru or sampled, got '" + c + "'");
        }
        return new EvictionTraining.Behaviour(k == null ? EvictionTraining.K : k, epsilon, costDiscount, sizeExponent,
                rounds, seed, hitHistory, c.equals("sampled"), evictionCost);
    }
}
