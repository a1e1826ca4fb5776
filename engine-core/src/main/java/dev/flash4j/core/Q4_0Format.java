package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0, 32 values in 18 bytes: {@code d} (f16) then 16 bytes {@code qs}. Value {@code j < 16} is
 * {@code d * ((qs[j] & 0xF) - 8)}, value {@code j + 16} is {@code d * ((qs[j] >> 4) - 8)}.
 */
final class Q4_0Format implements Q8DotFormat {
    static final int BLOCK = 32, BYTES = 18;

    @Override
    public GgmlType type() { return GgmlType.Q4_0; }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        // vectorized as dot below: the prompt kernels dequantize every row once per product
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            FloatVector d = FloatVector.broadcast(Vec.F, Le.f16(src, p));
            int o = dstOff + b * BLOCK;
            IntVector q0 = Vec.toInt(Vec.bytes8(src, p + 2)), q1 = Vec.toInt(Vec.bytes8(src, p + 10));
            Vec.toFloat(q0.and(0xF).sub(8)).mul(d).intoArray(dst, o);
            Vec.toFloat(q1.and(0xF).sub(8)).mul(d).intoArray(dst, o + 8);
            Vec.toFloat(q0.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8)).mul(d).intoArray(dst, o + 16);
            Vec.toFloat(q1.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8)).mul(d).intoArray(dst, o + 24);
        }
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(Vec.F);
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            int xo = xOff + b * BLOCK;
            // bytes 0..7 hold values 0..7 (low nibbles) and 16..23 (high); bytes 8..15 values 8..15 and 24..31
            IntVector q0 = Vec.toInt(Vec.bytes8(src, p + 2)), q1 = Vec.toInt(Vec.bytes8(src, p + 10));
            FloatVector t0 = Vec.toFloat(q0.and(0xF).sub(8)).mul(Vec.x(x, xo));
            FloatVector t1 = Vec.toFloat(q1.and(0xF).sub(8)).mul(Vec.x(x, xo + 8));
            t0 = Vec.toFloat(q0.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8)).fma(Vec.x(x, xo + 16), t0);
            t1 = Vec.toFloat(q1.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8)).fma(Vec.x(x, xo + 24), t1);
            acc = t0.add(t1).fma(FloatVector.broadcast(Vec.F, Le.f16(src, p)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float dotQ8(MemorySegment src, long off, Q8Activations x, int xOff, int n) {
        Q8Checks.check(x, xOff, n);
        FloatVector acc = FloatVector.zero(Vec.F);
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            int xi = xOff + b * BLOCK;
            IntVector s = IntVector.zero(Vec.I);
            for (int k = 0; k < 2; k++) {
                IntVector q = Vec.toInt(Vec.bytes8(src, p + 2 + 8 * k));
                s = q.and(0xF).sub(8).mul(Vec.q8(x.q, xi + 8 * k)).add(s);
                s = q.lanewise(VectorOperators.LSHR, 4).and(0xF).sub(8).mul(Vec.q8(x.q, xi + 16 + 8 * k)).add(s);
            }
            acc = Vec.toFloat(s).fma(FloatVector.broadcast(Vec.F, Le.f16(src, p) * x.d[xi / BLOCK]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
