package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        float sum = 0;
        for (int b = 0; b < n / BLOCK; b++) sum += blockDot(src, off + (long) b * BYTES, x, xOff + b * BLOCK);
        return sum;
    }

    /**
     * One block, as {@link Q4KFormat}'s kernel plus the fifth bit: for chunk c, bit 2c of
     * {@code qh[l]} goes to the low-nibble value and bit 2c+1 to the high-nibble value. Small loop
     * bodies keep C2 inlining every Vector API call (see {@link Q4KFormat}).
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
            for (int j = 0; j < 2; j++) { // low nibbles (sub-block 2c, qh bit 2c), then high (2c+1, bit 2c+1)
                FloatVector dj = j == 0 ? d1 : d2, mj = j == 0 ? m1 : m2;
                for (int k = 0; k < 4; k += 2) {
                    long qs = p + 48 + 32 * c + 8 * k, qh = p + 16 + 8 * k;
                    int bit = 2 * c + j;
                    IntVector q0 = Vec.nibbles(src, qs, 4 * j).or(Vec.toInt(Vec.bytes8(src, qh)).lanewise(VectorOperators.LSHR, bit).and(1).lanewise(VectorOperators.LSHL, 4));
                    IntVector q1 = Vec.nibbles(src, qs + 8, 4 * j).or(Vec.toInt(Vec.bytes8(src, qh + 8)).lanewise(VectorOperators.LSHR, bit).and(1).lanewise(VectorOperators.LSHL, 4));
                    int xl = xo + 64 * c + 32 * j + 8 * k;
                    accLo = Vec.toFloat(q0).fma(dj, mj).fma(Vec.x(x, xl), accLo);
                    accHi = Vec.toFloat(q1).fma(dj, mj).fma(Vec.x(x, xl + 8), accHi);
                }
            }
        }
        return accLo.add(accHi).reduceLanes(VectorOperators.ADD);
    }
}
