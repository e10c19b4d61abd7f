package io.reflex.engine.eviction;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * the inference), computed by {@link #log1p} from exact lane-wise arithmetic, so that the same
 * candidates give the same bits whether the JIT has compiled this class or not. The offline trainer
 * encodes its replayed candidates with this same class, so training and serving see identical inputs.
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
    // log1p's constants (musl's log1pf, from FreeBSD): ln 2 split in two, and the minimax polynomial
    // of (log(1 + f) - f + f²/2) / s over s = f / (2 + f).
    private static final float LN2_HI = 6.9313812256e-01f;
    private static final float LN2_LO = 9.0580006145e-06f;
    private static final float LG1 = 0.66666662693f;
    private static final float LG2 = 0.40000972152f;
    private static final float LG3 = 0.28498786688f;
    private static final float LG4 = 0.24279078841f;

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
            log1p(ttl.lanewise(VectorOperators.MAX, 0f)).mul(TTL)
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
        log1p(FloatVector.fromArray(S, column, i, m)).mul(scale).intoArray(columns, feature * k + i, m);
    }

    /**
     * {@code log(1 + x)} in every lane, within about an ulp of {@link Math#log1p} (musl's
     * {@code log1pf}, from FreeBSD: {@code 1 + x = 2^k (1 + f)} with a correction for the rounding of
     * {@code 1 + x}, and a polynomial in {@code f}). Not {@code lanewise(LOG1P)}: the Vector API
     * leaves transcendental results unspecified to an ulp, and its compiled intrinsic and interpreted
     * fallback do differ, so the same candidates encoded before and after the JIT compiled this class
     * gave different features (and two identical trainings different models). Every step here is an
     * exact IEEE lane-wise operation, which every tier computes alike.
     */
    static FloatVector log1p(FloatVector x) {
        FloatVector one = FloatVector.broadcast(x.species(), 1f);
        FloatVector u = x.add(1f);
        // the exponent k of u, and u's mantissa rescaled into [sqrt(2)/2, sqrt(2)): u = 2^k (1 + f)
        IntVector iu = u.reinterpretAsInts().add(0x3f800000 - 0x3f3504f3);
        IntVector ik = iu.lanewise(VectorOperators.ASHR, 23).sub(0x7f);
        FloatVector k = (FloatVector) ik.convert(VectorOperators.I2F, 0);
        // c / u corrects for the rounding of 1 + x (negligible once k >= 25)
        FloatVector c = x.sub(u.sub(1f)).blend(one.sub(u.sub(x)), k.compare(VectorOperators.GE, 2f)).div(u)
                .blend(0f, k.compare(VectorOperators.GE, 25f));
        FloatVector f = iu.and(0x007fffff).add(0x3f3504f3).reinterpretAsFloats().sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector w = z.mul(z);
        FloatVector t1 = w.mul(w.mul(LG4).add(LG2));
        FloatVector t2 = z.mul(w.mul(LG3).add(LG1));
        FloatVector r = t2.add(t1);
        FloatVector hfsq = f.mul(f).mul(0.5f);
        FloatVector y = s.mul(hfsq.add(r)).add(k.mul(LN2_LO).add(c)).sub(hfsq).add(f).add(k.mul(LN2_HI));
        return y.blend(Float.POSITIVE_INFINITY, x.eq(Float.POSITIVE_INFINITY))
                .blend(Float.NEGATIVE_INFINITY, x.eq(-1f))
                .blend(Float.NaN, x.lt(-1f));
    }
}
