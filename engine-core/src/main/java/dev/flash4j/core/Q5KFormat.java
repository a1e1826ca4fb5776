package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q5_K, 256 values in 176 bytes: {@code d}, {@code dmin} (f16), 12 bytes packed scales/mins
 * ({@link KScales}), {@code qh[32]}, {@code qs[128]}. Laid out as Q4_K plus a fifth bit: value
 * {@code l} of sub-block {@code s} takes bit {@code s} of {@code qh[l]} as its bit 4.
 */
final class Q5KFormat implements BlockFormat {
    static final int BLOCK = 256, BYTES = 176;

    @Override
    public GgmlType type() { return GgmlType.Q5_K; }

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
                    int q = Le.u8(src, p + 48 + 32 * c + l);
                    int h = Le.u8(src, p + 16 + l);
                    dst[o + 64 * c + l] = d1 * ((q & 0xF) + (((h >> (2 * c)) & 1) << 4)) - m1;
                    dst[o + 64 * c + 32 + l] = d2 * ((q >> 4) + (((h >> (2 * c + 1)) & 1) << 4)) - m2;
                }
            }
        }
    }

    private static ByteVector high(ByteVector qh, int bit) {
        return qh.lanewise(VectorOperators.LSHR, bit).and((byte) 1).lanewise(VectorOperators.LSHL, 4);
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p), dmin = Le.f16(src, p + 2);
            ByteVector h0 = Vec.bytes8(src, p + 16), h1 = Vec.bytes8(src, p + 24);
            ByteVector h2 = Vec.bytes8(src, p + 32), h3 = Vec.bytes8(src, p + 40);
            for (int c = 0; c < 4; c++) {
                FloatVector d1 = FloatVector.broadcast(Vec.F, d * KScales.scale(src, p + 4, 2 * c));
                FloatVector m1 = FloatVector.broadcast(Vec.F, -dmin * KScales.min(src, p + 4, 2 * c));
                FloatVector d2 = FloatVector.broadcast(Vec.F, d * KScales.scale(src, p + 4, 2 * c + 1));
                FloatVector m2 = FloatVector.broadcast(Vec.F, -dmin * KScales.min(src, p + 4, 2 * c + 1));
                long qs = p + 48 + 32 * c;
                int xo = xOff + b * BLOCK + 64 * c;
                int lb = 2 * c, hb = 2 * c + 1;
                ByteVector q0 = Vec.bytes8(src, qs), q1 = Vec.bytes8(src, qs + 8);
                ByteVector q2 = Vec.bytes8(src, qs + 16), q3 = Vec.bytes8(src, qs + 24);
                a0 = Vec.toFloat(q0.and((byte) 0xF).or(high(h0, lb))).fma(d1, m1).fma(Vec.x(x, xo), a0);
                a1 = Vec.toFloat(q1.and((byte) 0xF).or(high(h1, lb))).fma(d1, m1).fma(Vec.x(x, xo + 8), a1);
                a2 = Vec.toFloat(q2.and((byte) 0xF).or(high(h2, lb))).fma(d1, m1).fma(Vec.x(x, xo + 16), a2);
                a3 = Vec.toFloat(q3.and((byte) 0xF).or(high(h3, lb))).fma(d1, m1).fma(Vec.x(x, xo + 24), a3);
                a0 = Vec.toFloat(q0.lanewise(VectorOperators.LSHR, 4).or(high(h0, hb))).fma(d2, m2).fma(Vec.x(x, xo + 32), a0);
                a1 = Vec.toFloat(q1.lanewise(VectorOperators.LSHR, 4).or(high(h1, hb))).fma(d2, m2).fma(Vec.x(x, xo + 40), a1);
                a2 = Vec.toFloat(q2.lanewise(VectorOperators.LSHR, 4).or(high(h2, hb))).fma(d2, m2).fma(Vec.x(x, xo + 48), a2);
                a3 = Vec.toFloat(q3.lanewise(VectorOperators.LSHR, 4).or(high(h3, hb))).fma(d2, m2).fma(Vec.x(x, xo + 56), a3);
            }
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }
}
