package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
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

    /**
     * 8 halves per step, converted in registers: half bits {@code s eeeee mmmmmmmmmm} placed at
     * float bit 13 upwards give a float 2^-112 times the half's value for normals and subnormals
     * alike, so one multiply by 2^112 finishes the conversion; only infinities and NaNs (exponent
     * 31) need their exponent forced to 255, and NaNs come out quiet as from the JDK's (and F16C's)
     * scalar conversion. The conversion is written out here rather than in a helper returning the
     * vector: once other kernels have widened the Vector API's shared profiles (a JVM that ran
     * other formats first), C2 left such a helper out of line and the loop boxed a vector per step
     * (10 MB per token; again 15 MB per token in one {@code DecodeAllocationTest} run of four on
     * 2026-12-06, after a first fix that only moved the activation loads out of helpers).
     */
    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        // two accumulators, 16 halves per step (the products are summed in the same order as before
        // the conversion was written out here; SessionTest compares decode with batched prompts to 1e-4)
        FloatVector a0 = FloatVector.zero(Vec.F), a1 = a0;
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(Vec.S128, src, off + 2L * i, Vec.LE).convertShape(VectorOperators.S2I, Vec.I, 0);
            IntVector mag = h.and(0x7FFF), shifted = mag.lanewise(VectorOperators.LSHL, 13);
            IntVector bits = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            IntVector infNan = shifted.or(0x7F800000);
            infNan = infNan.blend(infNan.or(0x00400000), mag.compare(VectorOperators.GT, 0x7C00));
            bits = bits.blend(infNan, mag.compare(VectorOperators.GE, 0x7C00)).or(h.and(0x80000000));
            a0 = bits.reinterpretAsFloats().fma(FloatVector.fromArray(Vec.F, x, xOff + i), a0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(Vec.S128, src, off + 2L * i + 16, Vec.LE).convertShape(VectorOperators.S2I, Vec.I, 0);
            IntVector mag1 = h1.and(0x7FFF), shifted1 = mag1.lanewise(VectorOperators.LSHL, 13);
            IntVector bits1 = shifted1.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            IntVector infNan1 = shifted1.or(0x7F800000);
            infNan1 = infNan1.blend(infNan1.or(0x00400000), mag1.compare(VectorOperators.GT, 0x7C00));
            bits1 = bits1.blend(infNan1, mag1.compare(VectorOperators.GE, 0x7C00)).or(h1.and(0x80000000));
            a1 = bits1.reinterpretAsFloats().fma(FloatVector.fromArray(Vec.F, x, xOff + i + 8), a1);
        }
        float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += Le.f16(src, off + 2L * i) * x[xOff + i];
        return sum;
    }
}
