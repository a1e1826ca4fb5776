package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q5_1, 32 values in 24 bytes: {@code d}, {@code m} (f16), {@code qh} (32 bits), 16 bytes
 * {@code qs}; the 5-bit {@code q} is assembled as in Q5_0 and the value is {@code d * q + m}.
 * llama.cpp stores Q5_K tensors whose rows are not a multiple of 256 as Q5_1.
 */
final class Q5_1Format implements BlockFormat {
    static final int BLOCK = 32, BYTES = 24;

    @Override
    public GgmlType type() { return GgmlType.Q5_1; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p), m = Le.f16(src, p + 2);
            int qh = Le.i32(src, p + 4);
            int o = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = Le.u8(src, p + 8 + j);
                int lo = (q & 0xF) | (((qh >>> j) & 1) << 4);
                int hi = (q >> 4) | (((qh >>> (j + 16)) & 1) << 4);
                dst[o + j] = lo * d + m;
                dst[o + j + 16] = hi * d + m;
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = acc0;
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            int qh = Le.i32(src, p + 4);
            FloatVector d = FloatVector.broadcast(Vec.F, Le.f16(src, p)), m = FloatVector.broadcast(Vec.F, Le.f16(src, p + 2));
            int xo = xOff + b * BLOCK;
            for (int k = 0; k < 2; k++) { // bytes 8k..8k+7: values 8k.. (low nibbles) and 16+8k.. (high)
                IntVector q = Vec.toInt(Vec.bytes8(src, p + 8 + 8 * k));
                IntVector lo = q.and(0xF).or(Vec.fifthBits(qh, 8 * k));
                IntVector hi = q.lanewise(VectorOperators.LSHR, 4).and(0xF).or(Vec.fifthBits(qh, 16 + 8 * k));
                acc0 = Vec.toFloat(lo).fma(d, m).fma(Vec.x(x, xo + 8 * k), acc0);
                acc1 = Vec.toFloat(hi).fma(d, m).fma(Vec.x(x, xo + 16 + 8 * k), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
