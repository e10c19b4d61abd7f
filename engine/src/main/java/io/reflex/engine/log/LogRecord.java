package io.reflex.engine.log;

/** A record read back from the decision log. Immutable. */
public sealed interface LogRecord permits LogRecord.Decision, LogRecord.Outcome {

    /** The record's sequence number in the log. */
    long sequence();

    /**
     * A decision: what the loop saw, what it did, with what probability, and which model decided.
     *
     * @param sequence     the record's sequence number, which is also the decision's id
     * @param epochMicros  when it was decided
     * @param loop         the decision loop's name
     * @param modelVersion the deciding model version's sequence (0 when the fallback decided)
     * @param features     the policy's input
     * @param action       the action taken
     * @param propensity   the probability with which it was taken
     */
    record Decision(long sequence, long epochMicros, String loop, long modelVersion, float[] features, int action,
                    float propensity) implements LogRecord {

        /** The id outcomes refer to. */
        public long decisionId() {
            return sequence;
        }
    }

    /**
     * An outcome or reward observed later for a decision.
     *
     * @param sequence    the record's sequence number
     * @param decisionId  the decision it belongs to
     * @param epochMicros when it was observed
     * @param reward      the reward
     */
    record Outcome(long sequence, long decisionId, long epochMicros, float reward) implements LogRecord {
    }
}
