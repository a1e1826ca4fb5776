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

    private static int subScale(MemorySegment src, long p, int ib) {
        int scalesH = Le.u16(src, p + 2);
        int lo = (Le.u8(src, p + 4 + ib / 2) >> (4 * (ib % 2))) & 0xF;
        return (lo | (((scalesH >> (2 * ib)) & 3) << 4)) - 32;
    }

    @Override
    public void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p);
            for (int ib = 0; ib < 8; ib++) {
                float dl = d * subScale(src, p, ib);
                int o = dstOff + b * BLOCK + 32 * ib;
                for (int j = 0; j < 16; j++) {
                    int q = Le.u8(src, p + 8 + 16 * ib + j);
                    dst[o + j] = dl * Iq4Table.level(q & 0xF);
                    dst[o + j + 16] = dl * Iq4Table.level(q >> 4);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long off, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(Vec.F), acc1 = FloatVector.zero(Vec.F);
        for (int b = 0; b < n / BLOCK; b++) {
            long p = off + (long) b * BYTES;
            float d = Le.f16(src, p);
            for (int ib = 0; ib < 8; ib++) {
                int xo = xOff + b * BLOCK + 32 * ib;
                ByteVector q = ByteVector.fromMemorySegment(Vec.B128, src, p + 8 + 16 * ib, Vec.LE);
                ByteVector lo = q.and((byte) 0xF).selectFrom(Iq4Table.VECTOR);
                ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).selectFrom(Iq4Table.VECTOR);
                FloatVector t0 = ((FloatVector) lo.convertShape(VectorOperators.B2F, Vec.F, 0)).mul(Vec.x(x, xo));
                FloatVector t1 = ((FloatVector) lo.convertShape(VectorOperators.B2F, Vec.F, 1)).mul(Vec.x(x, xo + 8));
                t0 = ((FloatVector) hi.convertShape(VectorOperators.B2F, Vec.F, 0)).fma(Vec.x(x, xo + 16), t0);
                t1 = ((FloatVector) hi.convertShape(VectorOperators.B2F, Vec.F, 1)).fma(Vec.x(x, xo + 24), t1);
                FloatVector dl = FloatVector.broadcast(Vec.F, d * subScale(src, p, ib));
                if ((ib & 1) == 0) acc0 = t0.add(t1).fma(dl, acc0);
                else acc1 = t0.add(t1).fma(dl, acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
}
