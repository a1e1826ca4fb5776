package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K, 256 values in 144 bytes: {@code d}, {@code dmin} (f16), 12 bytes of packed 6-bit
 * scales/mins ({@link KScales}), {@code qs[128]}. Eight sub-blocks of 32; sub-block {@code s} has
 * value {@code d*sc[s] * q - dmin*m[s]}. The 4-bit {@code q}s come in 4 chunks of 32 bytes: chunk
 * {@code c} holds sub-block {@code 2c} in its low nibbles and sub-block {@code 2c+1} in its high ones.
 */
final class Q4KFormat implements Q8DotFormat {
    static final int BLOCK = 256, BYTES = 144;

    @Override
    public GgmlType type() { return GgmlType.Q4_K; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p), dmin = Le.f16(src, p + 2);
            int o = dstOff + b * BLOCK;
            for (int c = 0; c < 4; c++) {
                float d1 = d * KScales.scale(src, p + 4, 2 * c), m1 = dmin * KScales.min(src, p + 4, 2 * c);
                float d2 = d * KScales.scale(src, p + 4, 2 * c + 1), m2 = dmin * KScales.min(src, p + 4, 2 * c + 1);
                for (int l = 0; l < 32; l++) {
                    int q = Le.u8(src, p + 16 + 32 * c + l);
                    dst[o + 64 * c + l] = d1 * (q & 0xF) - m1;
                    dst[o + 64 * c + 32 + l] = d2 * (q >> 4) - m2;
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        float sum = 0;
        for (int b = 0; b < n / BLOCK; b++) sum += blockDot(src, off + (long) b * BYTES, x, xOff + b * BLOCK);
        return sum;
    }

    /**
     * One block: per chunk c of 32 quant bytes, first the low nibbles (sub-block 2c) then the high
     * ones (2c+1), 16 values per step. Per value w = q*d1 - m1 is one FMA and w*x another. The loop
     * bodies are kept small on purpose: C2 stops inlining Vector API calls once a method's parsed
     * size passes a node limit, and a fully unrolled block exceeds it (it then runs with boxed
     * vectors, 3-8x slower); a method per block also keeps the row loop out of that budget.
     */
    private static float blockDot(MemorySegment src, long p, float[] x, int xo) {
        int dd = Le.i32(src, p);
        float d = Float.float16ToFloat((short) dd), dmin = Float.float16ToFloat((short) (dd >>> 16));
        int a0 = Le.i32(src, p + 4), a1 = Le.i32(src, p + 8), a2 = Le.i32(src, p + 12);
        long scales = KScales.scales(a0, a1, a2), mins = KScales.mins(a0, a1, a2);
        FloatVector accLo = FloatVector.zero(Vec.F), accHi = accLo;
        for (int c = 0; c < 4; c++) {
            int sh = 16 * c;
            FloatVector d1 = FloatVector.broadcast(Vec.F, d * ((scales >>> sh) & 0xFF));
            FloatVector m1 = FloatVector.broadcast(Vec.F, -dmin * ((mins >>> sh) & 0xFF));
            FloatVector d2 = FloatVector.broadcast(Vec.F, d * ((scales >>> (sh + 8)) & 0xFF));
            FloatVector m2 = FloatVector.broadcast(Vec.F, -dmin * ((mins >>> (sh + 8)) & 0xFF));
            for (int j = 0; j < 2; j++) { // low nibbles: sub-block 2c, high nibbles: 2c+1
                FloatVector dj = j == 0 ? d1 : d2, mj = j == 0 ? m1 : m2;
                for (int k = 0; k < 4; k += 2) {
                    long qs = p + 16 + 32 * c + 8 * k;
                    int xl = xo + 64 * c + 32 * j + 8 * k;
                    accLo = Vec.toFloat(Vec.nibbles(src, qs, 4 * j)).fma(dj, mj).fma(Vec.x(x, xl), accLo);
                    accHi = Vec.toFloat(Vec.nibbles(src, qs + 8, 4 * j)).fma(dj, mj).fma(Vec.x(x, xl + 8), accHi);
                }
            }
        }
        return accLo.add(accHi).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float dotQ8(MemorySegment src, long off, Q8Activations x, int xOff, int n) {
        Q8Checks.check(x, xOff, n);
        float sum = 0;
        for (int b = 0; b < n / BLOCK; b++) sum += blockDotQ8(src, off + (long) b * BYTES, x, xOff + b * BLOCK);
        return sum;
    }

    /**
     * One block against 8-bit activations: sub-block s meets activation block s exactly, so
     * {@code sum (d*sc*q - dmin*m) * dx*qx = d*sc*dx * sum(q*qx) - dmin*m*dx * sum(qx)}, the last sum
     * precomputed by {@link Q8Activations}.
     */
    private static float blockDotQ8(MemorySegment src, long p, Q8Activations x, int xi) {
        int dd = Le.i32(src, p);
        float d = Float.float16ToFloat((short) dd), dmin = Float.float16ToFloat((short) (dd >>> 16));
        int a0 = Le.i32(src, p + 4), a1 = Le.i32(src, p + 8), a2 = Le.i32(src, p + 12);
        long scales = KScales.scales(a0, a1, a2), mins = KScales.mins(a0, a1, a2);
        FloatVector acc = FloatVector.zero(Vec.F);
        float minTerm = 0;
        for (int sb = 0; sb < 8; sb++) {
            int c = sb >> 1, shift = 4 * (sb & 1);
            int xs = xi + 32 * sb;
            float dx = x.d[xs / Q8Activations.BLOCK];
            IntVector s = IntVector.zero(Vec.I);
            for (int k = 0; k < 4; k++) {
                s = Vec.nibbles(src, p + 16 + 32 * c + 8 * k, shift).mul(Vec.q8(x.q, xs + 8 * k)).add(s);
            }
            acc = Vec.toFloat(s).fma(FloatVector.broadcast(Vec.F, d * ((scales >>> (8 * sb)) & 0xFF) * dx), acc);
            minTerm += dmin * ((mins >>> (8 * sb)) & 0xFF) * dx * x.sums[xs / Q8Activations.BLOCK];
        }
        return acc.reduceLanes(VectorOperators.ADD) - minTerm;
    }
}
