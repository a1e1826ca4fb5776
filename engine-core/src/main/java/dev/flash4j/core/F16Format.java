package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/** F16: IEEE half floats, little-endian. The dot widens 8 halves at a time in vector registers. */
final class F16Format implements BlockFormat {
    @Override
    public GgmlType type() { return GgmlType.F16; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Le.f16(src, off + 2L * i);
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = FloatVector.zero(Vec.F);
        int i = 0;
        // The activations load through FloatVector.fromArray, not the one-line helper Vec.x: the two
        // inlined halves8 conversions bring this method close to C2's node budget, and once other
        // kernels have widened the shared vector-API profiles (a JVM that ran other formats first)
        // C2 stops inlining our small helpers past NodeCountInliningCutoff (the JDK's @ForceInline
        // methods are deferred, not dropped). A helper left out of line returns a boxed vector and
        // the loop then allocates on every step: measured 10 MB per token and 3x slower.
        for (; i + 16 <= n; i += 16) {
            a0 = Vec.halves8(src, off + 2L * i).fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            a1 = Vec.halves8(src, off + 2L * i + 16).fma(FloatVector.fromArray(Vec.F, x, xOff + i + 8), a1);
        }
        float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += Le.f16(src, off + 2L * i) * x[xOff + i];
        return sum;
    }
}
