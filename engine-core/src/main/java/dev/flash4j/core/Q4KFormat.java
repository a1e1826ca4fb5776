package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K, 256 values in 144 bytes: {@code d}, {@code dmin} (f16), 12 bytes of packed 6-bit
 * scales/mins ({@link KScales}), {@code qs[128]}. Eight sub-blocks of 32; sub-block {@code s} has
 * value {@code d*sc[s] * q - dmin*m[s]}. The 4-bit {@code q}s come in 4 chunks of 32 bytes: chunk
 * {@code c} holds sub-block {@code 2c} in its low nibbles and sub-block {@code 2c+1} in its high ones.
 */
final class Q4KFormat implements BlockFormat {
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
        // Per sub-block, w = q*d1 - m1 is one FMA; four accumulators (one per 8-lane slice) keep
        // the FMA chains independent.
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p), dmin = Le.f16(src, p + 2);
            for (int c = 0; c < 4; c++) {
                FloatVector d1 = FloatVector.broadcast(Vec.F, d * KScales.scale(src, p + 4, 2 * c));
                FloatVector m1 = FloatVector.broadcast(Vec.F, -dmin * KScales.min(src, p + 4, 2 * c));
                FloatVector d2 = FloatVector.broadcast(Vec.F, d * KScales.scale(src, p + 4, 2 * c + 1));
                FloatVector m2 = FloatVector.broadcast(Vec.F, -dmin * KScales.min(src, p + 4, 2 * c + 1));
                long qs = p + 16 + 32 * c;
                int xo = xOff + b * BLOCK + 64 * c;
                ByteVector q0 = Vec.bytes8(src, qs), q1 = Vec.bytes8(src, qs + 8);
                ByteVector q2 = Vec.bytes8(src, qs + 16), q3 = Vec.bytes8(src, qs + 24);
                a0 = Vec.toFloat(q0.and((byte) 0xF)).fma(d1, m1).fma(Vec.x(x, xo), a0);
                a1 = Vec.toFloat(q1.and((byte) 0xF)).fma(d1, m1).fma(Vec.x(x, xo + 8), a1);
                a2 = Vec.toFloat(q2.and((byte) 0xF)).fma(d1, m1).fma(Vec.x(x, xo + 16), a2);
                a3 = Vec.toFloat(q3.and((byte) 0xF)).fma(d1, m1).fma(Vec.x(x, xo + 24), a3);
                a0 = Vec.toFloat(q0.lanewise(VectorOperators.LSHR, 4)).fma(d2, m2).fma(Vec.x(x, xo + 32), a0);
                a1 = Vec.toFloat(q1.lanewise(VectorOperators.LSHR, 4)).fma(d2, m2).fma(Vec.x(x, xo + 40), a1);
                a2 = Vec.toFloat(q2.lanewise(VectorOperators.LSHR, 4)).fma(d2, m2).fma(Vec.x(x, xo + 48), a2);
                a3 = Vec.toFloat(q3.lanewise(VectorOperators.LSHR, 4)).fma(d2, m2).fma(Vec.x(x, xo + 56), a3);
            }
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }
}
