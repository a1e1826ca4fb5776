package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q5_0, 32 values in 22 bytes: {@code d} (f16), {@code qh} (32 bits, little-endian: bit j is the
 * fifth bit of value j), 16 bytes {@code qs} (nibbles as in Q4_0). Value = {@code d * (q - 16)}.
 * llama.cpp stores Q4_K tensors whose rows are not a multiple of 256 as Q5_0.
 */
final class Q5_0Format implements BlockFormat {
    static final int BLOCK = 32, BYTES = 22;

    @Override
    public GgmlType type() { return GgmlType.Q5_0; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p);
            int qh = Le.i32(src, p + 2);
            int o = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = Le.u8(src, p + 6 + j);
                int lo = (q & 0xF) | (((qh >>> j) & 1) << 4);
                int hi = (q >> 4) | (((qh >>> (j + 16)) & 1) << 4);
                dst[o + j] = (lo - 16) * d;
                dst[o + j + 16] = (hi - 16) * d;
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = acc0;
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            int qh = Le.i32(src, p + 2);
            FloatVector d = FloatVector.broadcast(Vec.F, Le.f16(src, p));
            int xo = xOff + b * BLOCK;
            for (int k = 0; k < 2; k++) { // bytes 8k..8k+7: values 8k.. (low nibbles) and 16+8k.. (high)
                IntVector q = Vec.toInt(Vec.bytes8(src, p + 6 + 8 * k));
                IntVector lo = q.and(0xF).or(Vec.fifthBits(qh, 8 * k)).sub(16);
                IntVector hi = q.lanewise(VectorOperators.LSHR, 4).and(0xF).or(Vec.fifthBits(qh, 16 + 8 * k)).sub(16);
                acc0 = Vec.toFloat(lo).mul(d).fma(Vec.x(x, xo + 8 * k), acc0);
                acc1 = Vec.toFloat(hi).mul(d).fma(Vec.x(x, xo + 16 + 8 * k), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
