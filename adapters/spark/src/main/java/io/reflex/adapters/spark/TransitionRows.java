package io.reflex.adapters.spark;

import io.reflex.engine.eviction.EvictionFeatures;
import io.reflex.trainer.rl.TransitionSet;
import io.reflex.trainer.rl.TransitionSink;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * The Parquet layout of training transitions: one row per eviction decision of one replay, the
 * fields of a {@link TransitionSet} transition as columns. The state's columns are named from the
 * engine's {@link EvictionFeatures#NAMES}, one per candidate and feature ({@code c00_age} ...
 * {@code c15_rtt} for K = 16, least recently used first), so this schema is the engine's and is
 * spelled nowhere else.
 *
 * <table>
 *   <caption>Columns</caption>
 *   <tr><th>column</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>shard, capacity</td><td>string</td><td>the replay (the partition directories); capacity as written on the command line</td></tr>
 *   <tr><td>decision</td><td>long</td><td>the decision's position in its replay, from 0: the row's key within (shard, capacity)</td></tr>
 *   <tr><td>count</td><td>int</td><td>valid candidates, 1..K (later candidates' columns are 0)</td></tr>
 *   <tr><td>action</td><td>int</td><td>the victim's position among the candidates</td></tr>
 *   <tr><td>propensity</td><td>float</td><td>the behaviour's probability of that action</td></tr>
 *   <tr><td>reward</td><td>float</td><td>the training reward of the logged action</td></tr>
 *   <tr><td>cold_rl_reward</td><td>float</td><td>Cold-RL's reward (retained candidates that hit)</td></tr>
 *   <tr><td>span</td><td>float</td><td>the victim's size over the mean resident size</td></tr>
 *   <tr><td>done</td><td>boolean</td><td>the replay's last decision (no next state)</td></tr>
 *   <tr><td>next_decision</td><td>long, null when done</td><td>the next state's key: the row (shard, capacity, next_decision)</td></tr>
 *   <tr><td>cJJ_FEATURE</td><td>float</td><td>the state: candidate JJ's encoded feature</td></tr>
 *   <tr><td>cJJ_reward</td><td>float</td><td>the training reward evicting candidate JJ would have earned (hindsight)</td></tr>
 *   <tr><td>cJJ_span</td><td>float</td><td>candidate JJ's size over the mean resident size</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe apart from {@link Reader}, one per reading thread.
 */
public final class TransitionRows {

    /** The partition columns, outermost first. */
    public static final String SHARD = "shard";
    public static final String CAPACITY = "capacity";
    public static final String DECISION = "decision";

    private static final String[] SCALARS = {"count", "action", "propensity", "reward", "cold_rl_reward", "span", "done",
            "next_decision"};

    private TransitionRows() {
    }

    /** The columns of a state candidate {@code j}'s feature {@code f}. */
    static String feature(int j, int f) {
        return String.format(Locale.ROOT, "c%02d_%s", j, EvictionFeatures.NAMES.get(f));
    }

    private static String candidate(int j, String what) {
        return String.format(Locale.ROOT, "c%02d_%s", j, what);
    }

    /** The schema of transitions of K candidates. */
    public static StructType schema(int k) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(SHARD, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(CAPACITY, DataTypes.StringType, false));
        fields.add(DataTypes.createStructField(DECISION, DataTypes.LongType, false));
        fields.add(DataTypes.createStructField("count", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("action", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("propensity", DataTypes.FloatType, false));
        fields.add(DataTypes.createStructField("reward", DataTypes.FloatType, false));
        fields.add(DataTypes.createStructField("cold_rl_reward", DataTypes.FloatType, false));
        fields.add(DataTypes.createStructField("span", DataTypes.FloatType, false));
        fields.add(DataTypes.createStructField("done", DataTypes.BooleanType, false));
        fields.add(DataTypes.createStructField("next_decision", DataTypes.LongType, true));
        for (int j = 0; j < k; j++) {
            for (int f = 0; f < EvictionFeatures.PER_CANDIDATE; f++) {
                fields.add(DataTypes.createStructField(feature(j, f), DataTypes.FloatType, false));
            }
        }
        for (int j = 0; j < k; j++) {
            fields.add(DataTypes.createStructField(candidate(j, "reward"), DataTypes.FloatType, false));
        }
        for (int j = 0; j < k; j++) {
            fields.add(DataTypes.createStructField(candidate(j, "span"), DataTypes.FloatType, false));
        }
        return DataTypes.createStructType(fields);
    }

    /** The K of a transitions schema: how many candidates its state columns name. */
    public static int k(StructType schema) {
        int k = 0;
        while (schema.getFieldIndex(feature(k, 0)).isDefined()) {
            k++;
        }
        if (k == 0 || !schema.getFieldIndex(DECISION).isDefined()) {
            throw new IllegalArgumentException("not a transitions schema (no " + feature(0, 0) + " or " + DECISION
                    + " column): " + schema.simpleString());
        }
        return k;
    }

    /** The rows of one replay's transitions, in decision order, made as they are iterated. */
    public static Iterator<Row> rows(String shard, String capacity, TransitionSet set) {
        int k = set.k();
        int width = set.stateWidth();
        return new Iterator<>() {
            private int t;

            @Override
            public boolean hasNext() {
                return t < set.size();
            }

            @Override
            public Row next() {
                if (t >= set.size()) {
                    throw new NoSuchElementException();
                }
                Object[] v = new Object[11 + width + 2 * k];
                v[0] = shard;
                v[1] = capacity;
                v[2] = (long) t;
                v[3] = set.candidateCount(t);
                v[4] = set.action(t);
                v[5] = set.propensity(t);
                v[6] = set.reward(t);
                v[7] = set.coldRlReward(t);
                v[8] = set.span(t);
                v[9] = set.done(t);
                v[10] = set.done(t) ? null : (long) t + 1;
                float[] state = set.state(t);
                for (int i = 0; i < width; i++) {
                    v[11 + i] = state[i];
                }
                for (int j = 0; j < k; j++) {
                    v[11 + width + j] = set.candidateReward(t, j);
                    v[11 + width + k + j] = set.candidateSpan(t, j);
                }
                t++;
                return RowFactory.create(v);
            }
        };
    }

    /**
     * Appends rows of a transitions dataset, read back in decision order, to a
     * {@link TransitionSink} (a {@link TransitionSet.Builder}, the trainer's reservoir): it looks up each column's position once, by name, so the
     * column order of the files does not matter. Not thread-safe: one per reading thread.
     */
    public static final class Reader {

        private final int k;
        private final int[] scalar = new int[SCALARS.length];
        private final int[] state;
        private final int[] rewardAt;
        private final int[] spanAt;
        private final float[] stateBuffer;
        private final float[] rewards;
        private final float[] spans;

        /** A reader of rows of {@code schema} (K from its columns). */
        public Reader(StructType schema) {
            this.k = TransitionRows.k(schema);
            for (int i = 0; i < SCALARS.length; i++) {
                scalar[i] = schema.fieldIndex(SCALARS[i]);
            }
            int width = k * EvictionFeatures.PER_CANDIDATE;
            state = new int[width];
            rewardAt = new int[k];
            spanAt = new int[k];
            for (int j = 0; j < k; j++) {
                for (int f = 0; f < EvictionFeatures.PER_CANDIDATE; f++) {
                    state[j * EvictionFeatures.PER_CANDIDATE + f] = schema.fieldIndex(feature(j, f));
                }
                rewardAt[j] = schema.fieldIndex(candidate(j, "reward"));
                spanAt[j] = schema.fieldIndex(candidate(j, "span"));
            }
            stateBuffer = new float[width];
            rewards = new float[k];
            spans = new float[k];
        }

        /** K of the rows read. */
        public int k() {
            return k;
        }

        /** Appends {@code row} to {@code into}. */
        public void append(Row row, TransitionSink into) {
            for (int i = 0; i < state.length; i++) {
                stateBuffer[i] = row.getFloat(state[i]);
            }
            for (int j = 0; j < k; j++) {
                rewards[j] = row.getFloat(rewardAt[j]);
                spans[j] = row.getFloat(spanAt[j]);
            }
            into.add(stateBuffer, row.getInt(scalar[0]), row.getInt(scalar[1]), row.getFloat(scalar[2]), rewards, spans,
                    row.getFloat(scalar[4]), row.getFloat(scalar[5]), row.getBoolean(scalar[6]));
        }
    }
}
