package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_NL, 32 values in 18 bytes: {@code d} (f16) then 16 bytes of 4-bit indexes into the
 * non-linear {@link Iq4Table}; value {@code j < 16} uses the low nibble of {@code qs[j]},
 * value {@code j + 16} its high nibble. llama.cpp stores IQ4_XS tensors whose rows are not a
 * multiple of 256 as IQ4_NL.
 */
final class Iq4NlFormat implements BlockFormat {
    static final int BLOCK = 32, BYTES = 18;

    @Override
    public GgmlType type() { return GgmlType.IQ4_NL; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p);
            int o = dstOff + b * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = Le.u8(src, p + 2 + j);
                dst[o + j] = d * Iq4Table.level(q & 0xF);
                dst[o + j + 16] = d * Iq4Table.level(q >> 4);
            }
        }
    }

    /** As {@link Iq4XsFormat#dot}'s inner step, with one scale per 32 values. */
    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = acc0;
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            FloatVector d = FloatVector.broadcast(Vec.F, Le.f16(src, p));
            int xo = xOff + b * BLOCK;
            for (int j = 0; j < 2; j++) {
                ByteVector q = ByteVector.fromMemorySegment(Vec.B128, src, p + 2, Vec.LE);
                ByteVector v = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4 * j).reinterpretAsBytes().and((byte) 0xF).selectFrom(Iq4Table.VECTOR);
                acc0 = Iq4XsFormat.widen(v).mul(d).fma(Vec.x(x, xo + 16 * j), acc0);
                acc1 = Iq4XsFormat.widen(v.slice(8)).mul(d).fma(Vec.x(x, xo + 16 * j + 8), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
