package io.reflex.trainer.ope;

import io.reflex.engine.explore.ActionSelector;
import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.explore.SoftmaxSelector;

/**
 * How a target policy turns its model's action scores into the action distribution π(a|x) that
 * off-policy estimators weigh logged decisions by: {@code greedy} (the argmax with probability 1,
 * ties to the lowest index: what a deployed model does without exploration), {@code softmax:T}
 * (Boltzmann at temperature T) or {@code epsilon:E} (ε-greedy). The probabilities are exactly those
 * of the engine's {@link EpsilonGreedy} and {@link SoftmaxSelector}, so a policy is evaluated as the
 * engine would serve it.
 *
 * @param kind      the rule
 * @param parameter the temperature (softmax) or ε (epsilon); 0 for greedy
 */
public record TargetRule(Kind kind, double parameter) {

    /** The rule's family. */
    public enum Kind { GREEDY, SOFTMAX, EPSILON }

    /** The deterministic argmax. */
    public static final TargetRule GREEDY = new TargetRule(Kind.GREEDY, 0);

    public TargetRule {
        selector(kind, parameter);   // validates the parameter
    }

    /**
     * Parses {@code greedy}, {@code softmax:T} or {@code epsilon:E}.
     *
     * @throws IllegalArgumentException naming the text when it is none of these
     */
    public static TargetRule parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.equals("greedy")) {
                return GREEDY;
            }
            if (t.startsWith("softmax:")) {
                return new TargetRule(Kind.SOFTMAX, Double.parseDouble(t.substring(8)));
            }
            if (t.startsWith("epsilon:")) {
                return new TargetRule(Kind.EPSILON, Double.parseDouble(t.substring(8)));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target rule '" + text + "' has no number after ':'");
        }
        throw new IllegalArgumentException("unknown target rule '" + text + "'; expected greedy, softmax:T or epsilon:E");
    }

    /** A selector giving this rule's probabilities (its random stream is never drawn from here): a new one per call. */
    public ActionSelector selector() {
        return selector(kind, parameter);
    }

    private static ActionSelector selector(Kind kind, double parameter) {
        return switch (kind) {
            case GREEDY -> new EpsilonGreedy(0, 0);
            case EPSILON -> new EpsilonGreedy(parameter, 0);
            case SOFTMAX -> new SoftmaxSelector(parameter, 0);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case GREEDY -> "greedy";
            case SOFTMAX -> "softmax:" + parameter;
            case EPSILON -> "epsilon:" + parameter;
        };
    }
}
