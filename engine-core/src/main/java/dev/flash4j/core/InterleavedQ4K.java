package dev.flash4j.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import jdk.incubator.vector.ByteVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_K rows interleaved in groups of 16 ({@link InterleavedRows}). Per group and 256-column block,
 * {@link #BLOCK_BYTES} bytes:
 * <pre>
 *   [0, 64)      d of the 16 rows, f32
 *   [64, 128)    dmin of the 16 rows, f32
 *   [128, 256)   scales: sub-block s of row i at 128 + 16*s + i (6-bit, one byte each)
 *   [256, 384)   mins, same layout
 *   [384, 2432)  quants: byte l (0..127) of the row's Q4_K qs at 384 + 16*l + i
 * </pre>
 * As in Q4_K, qs byte {@code 32c + j} holds column {@code 64c + j} in its low nibble and column
 * {@code 64c + 32 + j} in its high one. One 16-byte load thus gives two columns of 16 rows.
 * Groups follow each other, each one its blocks in column order.
 *
 * <p>f32 kernel: per column, rows' quants to floats, FMA with the broadcast activation into a
 * per-sub-block sum; per sub-block, that sum times the rows' scales; per block, times d, minus
 * dmin times the rows' mins times the activation sums of the sub-blocks.
 *
 * <p>8-bit kernel: quants stay integers in 16 short lanes (one per row), multiplied by the broadcast
 * activation quant; a lane adds at most 16 products of at most 15*127 (30480, no overflow) before
 * it is widened to an int sum; at the end of a sub-block the int sum is scaled once in floats.
 */
final class InterleavedQ4K implements InterleavedRows {
    static final int BLOCK_BYTES = 64 + 64 + 128 + 128 + 2048;
    private static final int D = 0, DMIN = 64, SC = 128, MN = 256, QS = 384;
    private static final int G = GROUP;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;

    private final MemorySegment data;
    private final int groups, blocks;

    private InterleavedQ4K(MemorySegment data, int groups, int blocks) {
        this.data = data;
        this.groups = groups;
        this.blocks = blocks;
    }

    static InterleavedQ4K pack(MemorySegment src, long rowBytes, int groups, int cols) {
        int nb = cols / Q4KFormat.BLOCK;
        long groupBytes = (long) nb * BLOCK_BYTES;
        MemorySegment dst = InterleavedRows.allocate(groupBytes * groups);
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < G; i++) {
                long row = (long) (g * G + i) * rowBytes;
                for (int b = 0; b < nb; b++) {
                    long p = row + (long) b * Q4KFormat.BYTES;
                    long o = g * groupBytes + (long) b * BLOCK_BYTES;
                    dst.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + D + 4L * i, Le.f16(src, p));
                    dst.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + DMIN + 4L * i, Le.f16(src, p + 2));
                    for (int s = 0; s < 8; s++) {
                        dst.set(ValueLayout.JAVA_BYTE, o + SC + 16 * s + i, (byte) KScales.scale(src, p + 4, s));
                        dst.set(ValueLayout.JAVA_BYTE, o + MN + 16 * s + i, (byte) KScales.min(src, p + 4, s));
                    }
                    for (int l = 0; l < 128; l++) dst.set(ValueLayout.JAVA_BYTE, o + QS + 16L * l + i, src.get(ValueLayout.JAVA_BYTE, p + 16 + l));
                }
            }
        }
        return new InterleavedQ4K(dst, groups, nb);
    }

    @Override
    public int groups() { return groups; }

    @Override
    public InterleavedRows slice(int first, int count) {
        long gb = (long) blocks * BLOCK_BYTES;
        return new InterleavedQ4K(data.asSlice(first * gb, count * gb), count, blocks);
    }

    @Override
    public void dot(int g0, int g1, float[] x, int xOff, float[] out, int outOff) {
        for (int g = g0; g < g1; g++) {
            long go = g * (long) blocks * BLOCK_BYTES;
            for (int h = 0; h < G; h += Wide.L) {
                FloatVector acc = Wide.zero();
                for (int b = 0; b < blocks; b++) acc = blockDot(go + (long) b * BLOCK_BYTES, h, x, xOff + 256 * b, acc);
                acc.intoArray(out, outOff + G * g + h);
            }
        }
    }

    /** One block of lanes {@code [h, h+L)} of a group, added to {@code acc}. */
    private FloatVector blockDot(long bo, int h, float[] x, int xo, FloatVector acc) {
        FloatVector sum = Wide.zero(), mins = Wide.zero();
        for (int s = 0; s < 8; s++) {
            FloatVector sub = subBlockDot(bo + QS + 16L * 32 * (s >> 1) + h, (s & 1) * 4, x, xo + 32 * s);
            sum = sub.fma(Wide.toFloat(Wide.u8(data, bo + SC + 16 * s + h)), sum);
            float xs = Wide.sum(Wide.x(x, xo + 32 * s).add(Wide.x(x, xo + 32 * s + 32 - Wide.L)));
            if (Wide.L == 8) xs += Wide.sum(Wide.x(x, xo + 32 * s + 8).add(Wide.x(x, xo + 32 * s + 16)));
            mins = Wide.toFloat(Wide.u8(data, bo + MN + 16 * s + h)).fma(FloatVector.broadcast(Wide.F, xs), mins);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector dmin = FloatVector.fromMemorySegment(Wide.F, data, bo + DMIN + 4L * h, Vec.LE);
        return sum.fma(d, mins.mul(dmin).neg().add(acc));
    }

    /** Sum over the 32 columns of a sub-block of quant * activation, lanes [h, h+L); quants at q + 16*j, nibble at bit {@code shift}. */
    private FloatVector subBlockDot(long q, int shift, float[] x, int xo) {
        FloatVector s0 = Wide.zero(), s1 = s0;
        for (int j = 0; j < 32; j += 2) {
            IntVector a = Wide.u8(data, q + 16L * j).lanewise(VectorOperators.LSHR, shift).and(0xF);
            IntVector b = Wide.u8(data, q + 16L * (j + 1)).lanewise(VectorOperators.LSHR, shift).and(0xF);
            s0 = Wide.toFloat(a).fma(FloatVector.broadcast(Wide.F, x[xo + j]), s0);
            s1 = Wide.toFloat(b).fma(FloatVector.broadcast(Wide.F, x[xo + j + 1]), s1);
        }
        return s0.add(s1);
    }

    @Override
    public void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff) {
        for (int g = g0; g < g1; g++) {
            long go = g * (long) blocks * BLOCK_BYTES;
            for (int h = 0; h < G; h += Wide.L) {
                FloatVector acc = Wide.zero();
                for (int b = 0; b < blocks; b++) acc = blockDotQ8(go + (long) b * BLOCK_BYTES, h, a, aOff + 256 * b, acc);
                acc.intoArray(out, outOff + G * g + h);
            }
        }
    }

    private FloatVector blockDotQ8(long bo, int h, Q8Activations a, int ai, FloatVector acc) {
        FloatVector sum = Wide.zero(), mins = Wide.zero();
        int part = h / Wide.L;
        for (int s = 0; s < 8; s++) {
            long q = bo + QS + 16L * 32 * (s >> 1);
            int shift = (s & 1) * 4, xs = ai + 32 * s;
            ShortVector p0 = subBlockHalfQ8(q, shift, a.q, xs);
            ShortVector p1 = subBlockHalfQ8(q + 16L * 16, shift, a.q, xs + 16);
            IntVector ints = ((IntVector) p0.convertShape(VectorOperators.S2I, Wide.I, part)).add((IntVector) p1.convertShape(VectorOperators.S2I, Wide.I, part));
            float dx = a.d[xs / Q8Activations.BLOCK];
            FloatVector sc = Wide.toFloat(Wide.u8(data, bo + SC + 16 * s + h));
            sum = Wide.toFloat(ints).mul(sc).fma(FloatVector.broadcast(Wide.F, dx), sum);
            mins = Wide.toFloat(Wide.u8(data, bo + MN + 16 * s + h)).fma(FloatVector.broadcast(Wide.F, dx * a.sums[xs / Q8Activations.BLOCK]), mins);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector dmin = FloatVector.fromMemorySegment(Wide.F, data, bo + DMIN + 4L * h, Vec.LE);
        return sum.fma(d, mins.mul(dmin).neg().add(acc));
    }

    /** Short sums over 16 columns of quant * activation quant for all 16 rows (lane = row). */
    private ShortVector subBlockHalfQ8(long q, int shift, byte[] aq, int xs) {
        ShortVector s0 = ShortVector.zero(S), s1 = s0;
        for (int j = 0; j < 16; j += 2) {
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B16, data, q + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(B16, data, q + 16L * (j + 1), Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
            s0 = w0.lanewise(VectorOperators.LSHR, shift).and((short) 0xF).mul(aq[xs + j]).add(s0);
            s1 = w1.lanewise(VectorOperators.LSHR, shift).and((short) 0xF).mul(aq[xs + j + 1]).add(s1);
        }
        return s0.add(s1);
    }
}
