package dev.flash4j.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Element-wise and reduction kernels over float arrays (offset + length addressing). */
public final class VectorOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorOps() {}

    /** Sum of squares of {@code x[off .. off+n)}, accumulated in double for stability. */
    public static double sumSquares(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            acc = v.fma(v, acc);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += (double) x[off + i] * x[off + i];
        return s;
    }

    /** {@code out = x / rms(x) * weight} (the weight multiplies as stored: no +1). */
    public static void rmsNorm(float[] x, int xOff, float[] weight, float eps, float[] out, int outOff, int n) {
        float scale = (float) (1.0 / Math.sqrt(sumSquares(x, xOff, n) / n + eps));
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).mul(scale).mul(FloatVector.fromArray(S, weight, i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = x[xOff + i] * scale * weight[i];
    }

    /** {@code y += x}. */
    public static void add(float[] y, int yOff, float[] x, int xOff, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, y, yOff + i).add(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += x[xOff + i];
    }

    /** {@code y += a * x}. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0, bound = S.loopBound(n);
        FloatVector av = FloatVector.broadcast(S, a);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    /** {@code x *= a}. */
    public static void scale(float[] x, int off, int n, float a) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, off + i).mul(a).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= a;
    }

    /** Dot product of two float ranges. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** Species of 8 shorts and 8 bytes, for widening half floats and int8 values to 8 float lanes. */
    public static final VectorSpecies<Short> HALVES = jdk.incubator.vector.ShortVector.SPECIES_128;
    public static final VectorSpecies<Byte> BYTES8 = jdk.incubator.vector.ByteVector.SPECIES_64;
    /** 8 float lanes (AVX2); the widening helpers below produce this shape. */
    public static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

    /** 8 IEEE half floats ({@code h[off..off+8)}, raw bits) as floats; exact for every finite, infinite and NaN half. */
    public static FloatVector halvesToFloats(short[] h, int off) {
        jdk.incubator.vector.IntVector bits = (jdk.incubator.vector.IntVector) jdk.incubator.vector.ShortVector.fromArray(HALVES, h, off)
                .convertShape(VectorOperators.S2I, jdk.incubator.vector.IntVector.SPECIES_256, 0);
        jdk.incubator.vector.IntVector sign = bits.and(0x80000000);
        jdk.incubator.vector.IntVector mag = bits.and(0x7FFF);
        // shifting the magnitude into a float's exponent/mantissa and scaling by 2^112 rebiases the exponent (and fixes subnormals)
        jdk.incubator.vector.IntVector f = mag.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        var special = mag.compare(VectorOperators.GE, 0x7C00);
        jdk.incubator.vector.IntVector infNan = mag.lanewise(VectorOperators.LSHL, 13).or(0x7F800000);
        f = f.blend(infNan, special);
        return f.or(sign).reinterpretAsFloats();
    }

    /** 8 signed bytes {@code b[off..off+8)} as floats. */
    public static FloatVector bytesToFloats(byte[] b, int off) {
        return (FloatVector) jdk.incubator.vector.ByteVector.fromArray(BYTES8, b, off).convertShape(VectorOperators.B2F, F8, 0);
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    public static float silu(float x) {
        return (float) (x / (1.0 + Math.exp(-x)));
    }

    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float below 2^22 in magnitude to an integer, left in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B400000;

    /**
     * {@code out[outOff + i] = e^(x[off + i] * scale - shift)} for {@code i < n} (in place when
     * {@code out == x} and the offsets match); returns the sum of the results. Whole vectors go
     * through Cephes' {@code expf} (x = k ln2 + r with k an integer and |r| <= ln2/2, a degree-6
     * polynomial in r, times 2^k built in the exponent bits: within 8e-8 of {@link Math#exp}, see
     * {@code VectorExpTest}), the tail through the same steps one value at a time. Below -87.3 (e^x < 1.21e-38) the
     * result is 0, above ln(Float.MAX_VALUE) infinity.
     *
     * <p>Not the Vector API's {@code EXP}: its math-library call (SVML or SLEEF) was sometimes
     * compiled by C2 into its per-lane Java fallback, allocating arrays (408 bytes per decoded
     * token in one {@code DecodeAllocationTest} run of six). And arrays in and out rather than a
     * helper taking and returning a vector: with such a helper, every one-token decode path on
     * 256-bit vectors allocated 2.7 KB per token in 4 runs of 9, as a helper C2 leaves out of line
     * (the attention's short tiles make its call sites cold) boxes both vectors.
     */
    public static float exp(float[] x, int off, int n, float scale, float shift, float[] out, int outOff) {
        int i = 0, bound = S.loopBound(n);
        FloatVector sums = FloatVector.zero(S);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, off + i).mul(scale).sub(shift);
            FloatVector c = v.max(-87.3f).min(88.73f);
            // k + 1.5 * 2^23 with k = round(c / ln2) in [-126, 127] (2^k a normal float; from 88.38 on, r grows by up to 0.35)
            FloatVector t = c.fma(LOG2E, ROUNDER).min(ROUNDER + 127);
            FloatVector k = t.sub(ROUNDER);
            FloatVector r = k.fma(v.broadcast(-LN2_HI), c);
            r = k.fma(v.broadcast(-LN2_LO), r);
            FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
            p = p.fma(r, v.broadcast(8.3334519073e-3f));
            p = p.fma(r, v.broadcast(4.1665795894e-2f));
            p = p.fma(r, v.broadcast(1.6666665459e-1f));
            p = p.fma(r, v.broadcast(5.0000001201e-1f));
            FloatVector y = p.fma(r.mul(r), r).add(1f);
            IntVector twoToK = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = y.mul(twoToK.reinterpretAsFloats()).blend(0f, v.lt(-87.3f)).blend(Float.POSITIVE_INFINITY, v.compare(VectorOperators.GT, 88.7228f));
            e.intoArray(out, outOff + i);
            sums = sums.add(e);
        }
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = exp(x[off + i] * scale - shift);
            out[outOff + i] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * One lane of {@link #exp(float[], int, int, float, float, float[], int)}, the same operations
     * in the same order (fused multiply-adds included), so that a value gets the same result in a
     * vector or in the tail: a prompt's attention and the same tokens decoded one at a time split
     * their rows differently into vectors and tails.
     */
    static float exp(float v) {
        if (v < -87.3f) return 0f;
        if (v > 88.7228f) return Float.POSITIVE_INFINITY;
        float c = Math.min(v, 88.73f);
        float t = Math.min(Math.fma(c, LOG2E, ROUNDER), ROUNDER + 127);
        float k = t - ROUNDER;
        float r = Math.fma(k, -LN2_HI, c);
        r = Math.fma(k, -LN2_LO, r);
        float p = Math.fma(r, 1.9875691500e-4f, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        float y = Math.fma(p, r * r, r) + 1f;
        return y * Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUNDER_BITS - 127)) << 23);
    }

    /** Values per chunk of {@link #swiGlu}. */
    private static final int CHUNK = 256;
    /** Per thread: {@link #swiGlu}'s e^-gate for one chunk. */
    private static final ThreadLocal<float[]> EXP_CHUNK = ThreadLocal.withInitial(() -> new float[CHUNK]);

    /**
     * SwiGLU with an optional clamp, in place: {@code gate[gOff+i] = min(silu(gate[gOff+i]), limit) *
     * clamp(up[uOff+i], -limit, limit)} for {@code i < n}; no clamp when {@code limit <= 0}.
     * Vectorized, e^-gate by {@link #exp} in chunks of {@link #CHUNK}: the scalar loop with
     * {@code Math.exp} took 2% of a 512-token prompt, on the calling thread while the other
     * workers waited.
     */
    public static void swiGlu(float[] gate, int gOff, float[] up, int uOff, int n, float limit) {
        float[] e = EXP_CHUNK.get();
        boolean clamp = limit > 0;
        for (int c = 0; c < n; c += CHUNK) {
            int m = Math.min(CHUNK, n - c), i = 0, bound = S.loopBound(m);
            exp(gate, gOff + c, m, -1f, 0f, e, 0);
            for (; i < bound; i += S.length()) {
                FloatVector g = FloatVector.fromArray(S, gate, gOff + c + i), u = FloatVector.fromArray(S, up, uOff + c + i);
                FloatVector a = g.div(FloatVector.fromArray(S, e, i).add(1f));
                if (clamp) {
                    a = a.min(limit);
                    u = u.max(-limit).min(limit);
                }
                a.mul(u).intoArray(gate, gOff + c + i);
            }
            for (; i < m; i++) {
                float a = gate[gOff + c + i] / (1 + e[i]), u = up[uOff + c + i];
                if (clamp) {
                    a = Math.min(a, limit);
                    u = Math.max(-limit, Math.min(limit, u));
                }
                gate[gOff + c + i] = a * u;
            }
        }
    }

    /** In-place softmax of {@code x[off .. off+n)}. */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }

    /** Index of the largest value (first on ties). */
    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }
}
