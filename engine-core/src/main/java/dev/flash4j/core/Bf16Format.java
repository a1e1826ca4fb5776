package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/** BF16: the upper 16 bits of an IEEE float, little-endian. */
final class Bf16Format implements BlockFormat {
    @Override
    public GgmlType type() { return GgmlType.BF16; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) Vec.bf16x8(src, off + 2L * i).intoArray(dst, dstOff + i);
        for (; i < n; i++) dst[dstOff + i] = Float.intBitsToFloat(Le.u16(src, off + 2L * i) << 16);
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = FloatVector.zero(Vec.F);
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            a0 = Vec.bf16x8(src, off + 2L * i).fma(Vec.x(x, xOff + i), a0);
            a1 = Vec.bf16x8(src, off + 2L * i + 16).fma(Vec.x(x, xOff + i + 8), a1);
        }
        float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += Float.intBitsToFloat(Le.u16(src, off + 2L * i) << 16) * x[xOff + i];
        return sum;
    }
}
