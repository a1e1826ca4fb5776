package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_XS, 256 values in 136 bytes: {@code d} (f16), {@code scales_h} (u16), {@code scales_l[4]},
 * {@code qs[128]}. Eight sub-blocks of 32; sub-block {@code ib} has the 6-bit scale
 * {@code ls = (scales_l[ib/2] >> 4*(ib%2)) & 0xF | ((scales_h >> 2*ib) & 3) << 4} and multiplier
 * {@code d * (ls - 32)}; its 16 bytes {@code qs[16*ib ..]} hold 4-bit indexes into {@link Iq4Table}
 * exactly as an IQ4_NL block (low nibbles first 16 values, high nibbles the next 16).
 */
final class Iq4XsFormat implements BlockFormat {
    static final int BLOCK = 256, BYTES = 136;

    @Override
    public GgmlType type() { return GgmlType.IQ4_XS; }

    /** Sub-block {@code ib}'s scale {@code ls - 32} of the block at {@code p} (see the class comment). */
    static int subScale(MemorySegment src, long p, int ib) {
        int scalesH = Le.u16(src, p + 2);
        int lo = (Le.u8(src, p + 4 + ib / 2) >> (4 * (ib % 2))) & 0xF;
        return (lo | (((scalesH >> (2 * ib)) & 3) << 4)) - 32;
    }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        // vectorized as blockDot below: the prompt kernels dequantize every row once per product
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p);
            for (int ib = 0; ib < 8; ib++) {
                FloatVector dl = FloatVector.broadcast(Vec.F, d * subScale(src, p, ib));
                int o = dstOff + b * BLOCK + 32 * ib;
                ByteVector q = ByteVector.fromMemorySegment(Vec.B128, src, p + 8 + 16 * ib, Vec.LE);
                for (int j = 0; j < 2; j++) { // low nibbles: values 0..15 of the sub-block, high: 16..31
                    ByteVector v = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4 * j).reinterpretAsBytes().and((byte) 0xF).selectFrom(Iq4Table.VECTOR);
                    widen(v).mul(dl).intoArray(dst, o + 16 * j);
                    widen(v.slice(8)).mul(dl).intoArray(dst, o + 16 * j + 8);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        float sum = 0;
        for (int b = 0; b < n / BLOCK; b++) sum += blockDot(src, off + (long) b * BYTES, x, xOff + b * BLOCK);
        return sum;
    }

    /**
     * One block, one sub-block of 32 per step: the 16 index bytes are looked up in the level table
     * with a byte shuffle ({@code selectFrom}), and each 16-lane result is widened to floats in two
     * halves ({@code slice(8)} brings lanes 8..15 down, so both widenings are the cheap part-0 kind).
     */
    /**
     * Lanes 0..7 of a 16-lane byte vector as floats. Deliberately not {@link Vec#toFloat}: that
     * helper sees 8-lane vectors from the other kernels, and a call site profiled with two vector
     * classes can keep C2 from intrinsifying the conversion here.
     */
    static FloatVector widen(ByteVector b) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, Vec.F, 0);
    }

    private static float blockDot(MemorySegment src, long p, float[] x, int xo) {
        float d = Le.f16(src, p);
        int scalesH = Le.u16(src, p + 2);
        int scalesL = Le.i32(src, p + 4);
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = acc0;
        for (int ib = 0; ib < 8; ib++) {
            int ls = ((scalesL >>> (4 * ib)) & 0xF) | (((scalesH >> (2 * ib)) & 3) << 4);
            FloatVector dl = FloatVector.broadcast(Vec.F, d * (ls - 32));
            int xl = xo + 32 * ib;
            for (int j = 0; j < 2; j++) { // low nibbles: values 0..15 of the sub-block, high: 16..31
                ByteVector q = ByteVector.fromMemorySegment(Vec.B128, src, p + 8 + 16 * ib, Vec.LE);
                // shift as int lanes (x86 has no byte shift); the mask drops the bits that crossed bytes
                ByteVector v = q.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4 * j).reinterpretAsBytes().and((byte) 0xF).selectFrom(Iq4Table.VECTOR);
                acc0 = widen(v).mul(dl).fma(Vec.x(x, xl + 16 * j), acc0);
                acc1 = widen(v.slice(8)).mul(dl).fma(Vec.x(x, xl + 16 * j + 8), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
