package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** F16: IEEE half floats, little-endian. */
final class F16Format implements BlockFormat {
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public GgmlType type() { return GgmlType.F16; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(src.get(LE, off + 2L * i));
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) sum += Float.float16ToFloat(src.get(LE, off + 2L * i)) * x[xOff + i];
        return sum;
    }
}
