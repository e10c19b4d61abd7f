package io.reflex.engine.eviction;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Turns {@link EvictionCandidates} into the policy's input: {@value #PER_CANDIDATE} features per
 * candidate, row-major {@code [K][6]}, each squashed to roughly [0, 1] so that no feature dominates
 * by its units. Positions beyond the candidate count are zero rows (and are never chosen).
 *
 * <table>
 *   <caption>Feature normalisation</caption>
 *   <tr><th>#</th><th>feature</th><th>encoding</th><th>reaches 1.0 at</th></tr>
 *   <tr><td>0</td><td>age</td><td>ln(1 + s) / ln(1 + 86,400)</td><td>one day</td></tr>
 *   <tr><td>1</td><td>size</td><td>ln(1 + bytes) / (30 ln 2)</td><td>1 GiB</td></tr>
 *   <tr><td>2</td><td>hit count</td><td>ln(1 + hits) / ln(1 + 1,000)</td><td>1,000 hits</td></tr>
 *   <tr><td>3</td><td>inter-arrival time</td><td>ln(1 + s) / ln(1 + 86,400)</td><td>one day</td></tr>
 *   <tr><td>4</td><td>remaining TTL</td><td>ln(1 + max(0, s)) / ln(1 + 604,800); no TTL: 1</td><td>one week</td></tr>
 *   <tr><td>5</td><td>last origin RTT</td><td>ln(1 + ms) / ln(1 + 10,000)</td><td>10 s</td></tr>
 * </table>
 *
 * <p>Values above the reference points keep growing (slowly); an expired object's TTL feature is 0.
 * The logarithms run in vector lanes across candidates (96 scalar logarithms would cost more than
 * the inference). The offline trainer encodes its replayed candidates with this same class, so
 * training and serving see identical inputs.
 *
 * <p>Not thread-safe (it keeps a scratch buffer): one per deciding thread. Allocation-free.
 */
public final class EvictionFeatures {

    /** Features per candidate. */
    public static final int PER_CANDIDATE = 6;

    /**
     * Floats per row of the candidate-rows layout ({@link #encodeRows}): the candidate's six encoded
     * features, then the decision's context, the mean of each feature over the decision's candidates.
     */
    public static final int ROW_WIDTH = 2 * PER_CANDIDATE;

    /**
     * Model metadata entry saying the hit-count feature was trained as the object's request count
     * over a history that survives eviction (the value: its halving period in requests), not as hits
     * since admission. A host that keeps only hits since admission (the Caffeine adapter, the NGINX
     * sidecar) refuses such a model with {@link #HIT_HISTORY_REFUSAL}
     * ({@code PolicyLoader.Builder.refuseMetadata}) rather than feed it a feature it was not trained on.
     */
    public static final String HIT_HISTORY_METADATA = "reflex.hit-history";

    /** Why a host that supplies hits since admission refuses a model with {@link #HIT_HISTORY_METADATA}. */
    public static final String HIT_HISTORY_REFUSAL = "the model's hit-count feature counts requests over a history "
            + "that survives eviction, and this host supplies hits since admission (train it without --hit-history)";

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float AGE = (float) (1 / Math.log1p(86_400));
    private static final float SIZE = (float) (1 / (30 * Math.log(2)));
    private static final float HITS = (float) (1 / Math.log1p(1_000));
    private static final float TTL = (float) (1 / Math.log1p(604_800));
    private static final float RTT = (float) (1 / Math.log1p(10_000));

    private final int k;
    private final float[] columns;
    private final float[] joint;

    /** An encoder for K candidates. */
    public EvictionFeatures(int k) {
        if (k < 1 || k > 64) {
            throw new IllegalArgumentException("K must be in [1, 64], got " + k);
        }
        this.k = k;
        this.columns = new float[PER_CANDIDATE * k];
        this.joint = new float[PER_CANDIDATE * k];
    }

    /** Writes {@code 6K} features into {@code out} from {@code offset}. */
    public void encode(EvictionCandidates c, float[] out, int offset) {
        if (c.capacity() != k) {
            throw new IllegalArgumentException("candidates hold K = " + c.capacity() + ", the encoder K = " + k);
        }
        int n = c.count();
        for (int i = 0; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            logScaled(c.ageSeconds, i, m, AGE, 0);
            logScaled(c.sizeBytes, i, m, SIZE, 1);
            logScaled(c.hits, i, m, HITS, 2);
            logScaled(c.interArrivalSeconds, i, m, AGE, 3);
            FloatVector ttl = FloatVector.fromArray(S, c.ttlSeconds, i, m);
            ttl.lanewise(VectorOperators.MAX, 0f).lanewise(VectorOperators.LOG1P).mul(TTL)
                    .blend(1f, ttl.eq(Float.POSITIVE_INFINITY))
                    .intoArray(columns, 4 * k + i, m);
            logScaled(c.rttMillis, i, m, RTT, 5);
        }
        for (int i = 0; i < k; i++) {
            int p = offset + i * PER_CANDIDATE;
            if (i < n) {
                for (int f = 0; f < PER_CANDIDATE; f++) {
                    out[p + f] = columns[f * k + i];
                }
            } else {
                for (int f = 0; f < PER_CANDIDATE; f++) {
                    out[p + f] = 0f;
                }
            }
        }
    }

    /**
     * Writes the candidate-rows layout: {@code K} rows of {@link #ROW_WIDTH} floats into {@code out}
     * from {@code offset}, row {@code i} holding candidate {@code i}'s features (as {@link #encode}
     * writes them) then the context. Rows past the candidate count hold zero features and the same
     * context, so that every row shares the context columns.
     */
    public void encodeRows(EvictionCandidates c, float[] out, int offset) {
        encode(c, joint, 0);
        rows(joint, 0, c.count(), k, out, offset);
    }

    /**
     * Turns {@code k} candidates encoded as {@link #encode} writes them ({@code encoded[from..]},
     * the first {@code count} real) into the candidate-rows layout at {@code out[offset..]}. The
     * offline trainer builds its rows with this same method, so training and serving agree.
     */
    public static void rows(float[] encoded, int from, int count, int k, float[] out, int offset) {
        for (int f = 0; f < PER_CANDIDATE; f++) {
            float sum = 0f;
            for (int i = 0; i < count; i++) {
                sum += encoded[from + i * PER_CANDIDATE + f];
            }
            float mean = count == 0 ? 0f : sum / count;
            for (int i = 0; i < k; i++) {
                out[offset + i * ROW_WIDTH + PER_CANDIDATE + f] = mean;
            }
        }
        for (int i = 0; i < k; i++) {
            int row = offset + i * ROW_WIDTH;
            for (int f = 0; f < PER_CANDIDATE; f++) {
                out[row + f] = i < count ? encoded[from + i * PER_CANDIDATE + f] : 0f;
            }
        }
    }

    private void logScaled(float[] column, int i, VectorMask<Float> m, float scale, int feature) {
        FloatVector.fromArray(S, column, i, m).lanewise(VectorOperators.LOG1P).mul(scale)
                .intoArray(columns, feature * k + i, m);
    }
}
