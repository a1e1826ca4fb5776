package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** F32: plain little-endian floats. */
final class F32Format implements BlockFormat {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public GgmlType type() { return GgmlType.F32; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        MemorySegment.copy(src, LE, off, dst, dstOff, n);
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector w = FloatVector.fromMemorySegment(S, src, off + 4L * i, ByteOrder.LITTLE_ENDIAN);
            acc = w.fma(FloatVector.fromArray(S, x, xOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += src.get(LE, off + 4L * i) * x[xOff + i];
        return sum;
    }
}
