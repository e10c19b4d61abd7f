package io.reflex.engine.matching;

/** Which side of the {@link RobustnessSwitch} made a {@link LomarMatcher} decision. Immutable. */
public enum Branch {
    /** The learned proposal was followed: the switch allowed it. */
    RL("rl"),
    /**
     * The expert decided: its node if it still had room in the matcher's own matching, else a skip.
     * Also the branch when the scorer failed (threw, or scored every candidate NaN).
     */
    EXPERT("expert");

    private final String label;

    Branch(String label) {
        this.label = label;
    }

    /** The name used in logs and JSON. */
    public String label() {
        return label;
    }
}
