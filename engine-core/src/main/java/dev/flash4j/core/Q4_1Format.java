package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q4_1, 32 values in 20 bytes: {@code d}, {@code m} (f16) then 16 bytes {@code qs}; value
 * {@code j < 16} is {@code d * (qs[j] & 0xF) + m}, value {@code j + 16} uses {@code qs[j] >> 4}.
 */
final class Q4_1Format implements BlockFormat {
    static final int BLOCK = 32, BYTES = 20;

    @Override
    public GgmlType type() { return GgmlType.Q4_1; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p), m = Le.f16(src, p + 2);
            int o = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = Le.u8(src, p + 4 + j);
                dst[o + j] = (q & 0xF) * d + m;
                dst[o + j + 16] = (q >> 4) * d + m;
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = acc0;
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            FloatVector d = FloatVector.broadcast(Vec.F, Le.f16(src, p)), m = FloatVector.broadcast(Vec.F, Le.f16(src, p + 2));
            int xo = xOff + b * BLOCK;
            for (int k = 0; k < 2; k++) { // bytes 8k..8k+7: values 8k.. (low nibbles) and 16+8k.. (high)
                IntVector q = Vec.toInt(Vec.bytes8(src, p + 4 + 8 * k));
                acc0 = Vec.toFloat(q.and(0xF)).fma(d, m).fma(Vec.x(x, xo + 8 * k), acc0);
                acc1 = Vec.toFloat(q.lanewise(VectorOperators.LSHR, 4).and(0xF)).fma(d, m).fma(Vec.x(x, xo + 16 + 8 * k), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
