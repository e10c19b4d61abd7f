package io.reflex.engine.eviction;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.List;

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
     * The features' names, in encoding order (the table above): what a dataset of encoded states
     * calls its columns, so that no writer of such a dataset spells the schema again.
     */
    public static final List<String> NAMES = List.of("age", "size", "hits", "inter_arrival", "ttl", "rtt");

    /**
     * Floats per row of the candidate-rows layout ({@link #encodeRows}): the candidate's six encoded
     * features, then the decision's context, the mean of each feature over the decision's candidates.
     */
    public static final int ROW_WIDTH = 2 * PER_CANDIDATE;

    /**
     * Model metadata entry saying the hit-count feature was trained as the object's request count
     * over a history that survives eviction (the value: its halving period in requests), not as hits
     * since admission. A host that keeps only hits since admission (the Caffeine adapter, the NGINX
     * sidecar) refuses such a model ({@link EvictionLoop#hostLoader()}) rather than feed it a feature
     * it was not trained on.
     */
    public static final String HIT_HISTORY_METADATA = "reflex.hit-history";

    /** Why a host that supplies hits since admission refuses a model with {@link #HIT_HISTORY_METADATA}. */
    static final String HIT_HISTORY_REFUSAL = "the model's hit-count feature counts requests over a history "
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
        log1pScaled(c.ageSeconds, n, AGE, false, columns, 0);
        log1pScaled(c.sizeBytes, n, SIZE, false, columns, k);
        log1pScaled(c.hits, n, HITS, false, columns, 2 * k);
        log1pScaled(c.interArrivalSeconds, n, AGE, false, columns, 3 * k);
        log1pScaled(c.ttlSeconds, n, TTL, true, columns, 4 * k);
        log1pScaled(c.rttMillis, n, RTT, false, columns, 5 * k);
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

    /**
     * {@code out[to + j] = scale · log(1 + in[j])} for {@code j < n}; for the remaining-TTL column
     * ({@code ttl}), {@code log(1 + max(0, in[j]))} and 1 where {@code in[j]} is +∞.
     *
     * <p>The logarithm is musl's {@code log1pf} (from FreeBSD: {@code 1 + x = 2^k (1 + f)}, a
     * correction for the rounding of {@code 1 + x}, a polynomial in {@code f}), within an ulp of
     * {@link Math#log1p}. Not {@code lanewise(LOG1P)}: the Vector API leaves transcendental results
     * unspecified to an ulp, and its compiled intrinsic and interpreted fallback do differ, so the
     * same candidates encoded before and after the JIT compiled this class gave different features
     * (and two identical trainings different models). Every step here is an exact IEEE lane-wise
     * operation, which every tier computes alike. Arrays in and out, no vector crossing a call: a
     * method this large is not inlined, and a vector argument or result would then be boxed on the
     * heap at every call.
     */
    static void log1pScaled(float[] in, int n, float scale, boolean ttl, float[] out, int to) {
        log1pScaled(in, 0, n, scale, ttl, out, to);
    }

    /** {@code out[to + j] = scale · log(1 + in[from + j])} for {@code j < n}, as above without the TTL rule. */
    static void log1pScaled(float[] in, int from, int n, float scale, float[] out, int to) {
        log1pScaled(in, from, n, scale, false, out, to);
    }

    private static void log1pScaled(float[] in, int from, int n, float scale, boolean ttl, float[] out, int to) {
        // Scalar selects, not vector ones: a vector chosen by a branch is boxed at the merge.
        float floor = ttl ? 0f : Float.NEGATIVE_INFINITY;
        float oneAt = ttl ? Float.POSITIVE_INFINITY : Float.NaN;   // NaN equals nothing
        for (int i = 0; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector raw = FloatVector.fromArray(S, in, from + i, m);
            FloatVector x = raw.lanewise(VectorOperators.MAX, floor);
            FloatVector u = x.add(1f);
            // the exponent k of u, and u's mantissa rescaled into [sqrt(2)/2, sqrt(2)): u = 2^k (1 + f)
            IntVector iu = u.reinterpretAsInts().add(0x3f800000 - 0x3f3504f3);
            IntVector ik = iu.lanewise(VectorOperators.ASHR, 23).sub(0x7f);
            // k as a float without convert(I2F): 1.5 * 2^23 + k is exact for |k| < 2^22, and so is
            // taking 1.5 * 2^23 away again
            FloatVector k = ik.add(0x4b400000).reinterpretAsFloats().sub(12_582_912f);
            // c / u corrects for the rounding of 1 + x (negligible once k >= 25); -(u - x) + 1 is 1 - (u - x)
            FloatVector c = x.sub(u.sub(1f)).blend(u.sub(x).neg().add(1f), k.compare(VectorOperators.GE, 2f))
                    .div(u).blend(0f, k.compare(VectorOperators.GE, 25f));
            FloatVector f = iu.and(0x007fffff).add(0x3f3504f3).reinterpretAsFloats().sub(1f);
            FloatVector s = f.div(f.add(2f));
            FloatVector z = s.mul(s);
            FloatVector w = z.mul(z);
            FloatVector t1 = w.mul(w.mul(LG4).add(LG2));
            FloatVector t2 = z.mul(w.mul(LG3).add(LG1));
            FloatVector r = t2.add(t1);
            FloatVector hfsq = f.mul(f).mul(0.5f);
            FloatVector y = s.mul(hfsq.add(r)).add(k.mul(LN2_LO).add(c)).sub(hfsq).add(f).add(k.mul(LN2_HI));
            y.blend(Float.POSITIVE_INFINITY, x.eq(Float.POSITIVE_INFINITY))
                    .blend(Float.NEGATIVE_INFINITY, x.eq(-1f))
                    .blend(Float.NaN, x.lt(-1f))
                    .mul(scale)
                    .blend(1f, raw.eq(oneAt))
                    .intoArray(out, to + i, m);
        }
    }
}
