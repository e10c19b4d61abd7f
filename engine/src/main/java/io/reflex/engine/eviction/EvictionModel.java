package io.reflex.engine.eviction;

import java.util.Map;

/**
 * What an eviction model file says about itself in its metadata, read and validated in one place:
 * the feature schema it reads, the candidate set it was trained on, K, and whether it answers
 * admission. The trainer writes these entries ({@link #toMetadata}), and the simulator and the hosts
 * read them ({@link #of}) to serve the model as it was trained.
 *
 * <table>
 *   <caption>Metadata entries</caption>
 *   <tr><th>key</th><th>values</th><th>absent means</th></tr>
 *   <tr><td>{@value #SCHEMA_METADATA}</td><td>{@value #COLD_RL_SCHEMA} (Cold-RL's six features,
 *       {@link EvictionFeatures}, scored by {@link EvictionLoop}) or {@value HistoryFeatures#SCHEMA}
 *       ({@link HistoryFeatures}, scored by {@link NextAccessLoop})</td><td>{@value #COLD_RL_SCHEMA}</td></tr>
 *   <tr><td>{@value EvictionLoop#CANDIDATES_METADATA}</td><td>{@code lru} (the K least recently used)
 *       or {@code sampled} (K residents drawn uniformly)</td><td>{@code lru}</td></tr>
 *   <tr><td>{@value #K_METADATA}</td><td>candidates per decision, 1..64</td><td>16</td></tr>
 *   <tr><td>{@value #ADMISSION_METADATA}</td><td>{@code true}: the host asks the model whether an
 *       incoming object should displace the victim</td><td>{@code false}</td></tr>
 * </table>
 *
 * @param schema     the feature schema's name
 * @param candidates the candidate set
 * @param k          candidates per decision
 * @param admission  whether the model answers admission
 */
public record EvictionModel(String schema, Candidates candidates, int k, boolean admission) {

    /** Metadata key of the feature schema. */
    public static final String SCHEMA_METADATA = "reflex.schema";
    /** Metadata key of K. */
    public static final String K_METADATA = "reflex.k";
    /** Metadata key of the admission answer. */
    public static final String ADMISSION_METADATA = "reflex.admission";
    /** Cold-RL's six features ({@link EvictionFeatures}). */
    public static final String COLD_RL_SCHEMA = "cold-rl-6";
    /** K of a model that does not say. */
    public static final int DEFAULT_K = 16;
    /** The largest K: a decision's victim mask is a {@code long}, one bit per candidate. */
    public static final int MAX_K = 64;

    /** Which objects a decision chooses among. */
    public enum Candidates {
        /** The K least recently used resident objects. */
        LRU,
        /**
         * K resident objects drawn uniformly at random: least recently accessed first for
         * {@value #COLD_RL_SCHEMA} rows (positional), in the order drawn for history rows.
         */
        SAMPLED;

        /** The metadata value. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public EvictionModel {
        if (!COLD_RL_SCHEMA.equals(schema) && !HistoryFeatures.SCHEMA.equals(schema)) {
            throw new IllegalArgumentException("schema must be " + COLD_RL_SCHEMA + " or " + HistoryFeatures.SCHEMA
                    + ", got '" + schema + "'");
        }
        java.util.Objects.requireNonNull(candidates, "candidates");
        requireK(k);
        if (admission && !HistoryFeatures.SCHEMA.equals(schema)) {
            throw new IllegalArgumentException("only a " + HistoryFeatures.SCHEMA + " model answers admission");
        }
    }

    /**
     * @return {@code k}, validated: every K in the project (models, loops, trainers, commands) is
     *         checked here
     * @throws IllegalArgumentException naming it when it is not in [1, {@value #MAX_K}]
     */
    public static int requireK(int k) {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("K must be in [1, " + MAX_K + "], got " + k);
        }
        return k;
    }

    /** Whether the model reads the {@link HistoryFeatures} schema. */
    public boolean readsHistory() {
        return HistoryFeatures.SCHEMA.equals(schema);
    }

    /**
     * The contract a model's metadata states.
     *
     * @param source names the model in errors (a file path)
     * @throws IllegalArgumentException naming the source, the entry and the value at fault
     */
    public static EvictionModel of(Map<String, String> metadata, Object source) {
        try {
            String schema = metadata.getOrDefault(SCHEMA_METADATA, COLD_RL_SCHEMA).trim();
            if (!COLD_RL_SCHEMA.equals(schema) && !HistoryFeatures.SCHEMA.equals(schema)) {
                throw new IllegalArgumentException(SCHEMA_METADATA + " must be " + COLD_RL_SCHEMA + " or "
                        + HistoryFeatures.SCHEMA + " (features this engine knows how to feed), got '" + schema + "'");
            }
            String c = metadata.getOrDefault(EvictionLoop.CANDIDATES_METADATA, "lru").trim();
            Candidates candidates = switch (c) {
                case "lru" -> Candidates.LRU;
                case "sampled" -> Candidates.SAMPLED;
                default -> throw new IllegalArgumentException(EvictionLoop.CANDIDATES_METADATA
                        + " must be lru or sampled, got '" + c + "'");
            };
            int k = DEFAULT_K;
            String kv = metadata.get(K_METADATA);
            if (kv != null) {
                try {
                    k = Integer.parseInt(kv.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(K_METADATA + " must be a number in [1, 64], got '" + kv + "'");
                }
            }
            String a = metadata.getOrDefault(ADMISSION_METADATA, "false").trim();
            if (!a.equals("true") && !a.equals("false")) {
                throw new IllegalArgumentException(ADMISSION_METADATA + " must be true or false, got '" + a + "'");
            }
            return new EvictionModel(schema, candidates, k, a.equals("true"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** The metadata entries that state this contract. */
    public Map<String, String> toMetadata() {
        return Map.of(SCHEMA_METADATA, schema, EvictionLoop.CANDIDATES_METADATA, candidates.value(),
                K_METADATA, Integer.toString(k), ADMISSION_METADATA, Boolean.toString(admission));
    }
}
