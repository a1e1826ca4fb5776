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
     * One block at {@link Wide} width: per chunk c of 32 quant bytes, {@code L} bytes at a time are
     * widened once and split into low nibbles (sub-block 2c, values 64c + k) and high nibbles
     * (sub-block 2c+1, values 64c + 32 + k). Per value w = q*d1 - m1 is one FMA and w*x another.
     * The loop bodies are kept small on purpose: C2 stops inlining Vector API calls once a
     * method's parsed size passes a node limit, and a fully unrolled block exceeds it (it then runs
     * with boxed vectors, 3-8x slower); a method per block also keeps the row loop out of that budget.
     */
    private static float blockDot(MemorySegment src, long p, float[] x, int xo) {
        int dd = Le.i32(src, p);
        float d = Float.float16ToFloat((short) dd), dmin = Float.float16ToFloat((short) (dd >>> 16));
        int a0 = Le.i32(src, p + 4), a1 = Le.i32(src, p + 8), a2 = Le.i32(src, p + 12);
        long scales = KScales.scales(a0, a1, a2), mins = KScales.mins(a0, a1, a2);
        FloatVector accLo = Wide.zero(), accHi = accLo;
        for (int c = 0; c < 4; c++) {
            int sh = 16 * c;
            FloatVector d1 = FloatVector.broadcast(Wide.F, d * ((scales >>> sh) & 0xFF));
            FloatVector m1 = FloatVector.broadcast(Wide.F, -dmin * ((mins >>> sh) & 0xFF));
            FloatVector d2 = FloatVector.broadcast(Wide.F, d * ((scales >>> (sh + 8)) & 0xFF));
            FloatVector m2 = FloatVector.broadcast(Wide.F, -dmin * ((mins >>> (sh + 8)) & 0xFF));
            for (int k = 0; k < 32; k += Wide.L) {
                IntVector q = Wide.u8(src, p + 16 + 32 * c + k);
                int xl = xo + 64 * c + k;
                accLo = Wide.toFloat(q.and(0xF)).fma(d1, m1).fma(Wide.x(x, xl), accLo);
                accHi = Wide.toFloat(q.lanewise(VectorOperators.LSHR, 4)).fma(d2, m2).fma(Wide.x(x, xl + 32), accHi);
            }
        }
        return Wide.sum(accLo.add(accHi));
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
