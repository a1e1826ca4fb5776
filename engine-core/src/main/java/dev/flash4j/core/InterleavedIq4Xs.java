package dev.flash4j.core;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * IQ4_XS rows interleaved in groups of 16 ({@link InterleavedRows}), on 512-bit vectors only. Per
 * group and 256-column block, {@link #BLOCK_BYTES} bytes (2240 against 16 x 136 for the rows,
 * +2.9%):
 * <pre>
 *   [0, 64)      d of the 16 rows, f32
 *   [64, 192)    scales: sub-block s (32 columns) of row i at 64 + 16*s + i (signed byte ls - 32)
 *   [192, 2240)  level indexes: byte l (0..127) of the row at 192 + 16*l + i, in Q4_K's order
 * </pre>
 * The 4-bit indexes are re-ordered into {@link InterleavedQ4K}'s arrangement (byte {@code 32c + j}
 * holds column {@code 64c + j} in its low nibble and {@code 64c + 32 + j} in its high one; IQ4_XS
 * keeps a sub-block's first 16 values in the low nibbles of its 16 bytes), so the kernels are
 * Q4_K's with two changes: an index becomes its level by a table lookup instead of a conversion
 * to float, and there are no min terms. The lookup: the 16 int lanes of a load's zero-extended
 * bytes select from {@link #LEVELS}, the 16 levels as float bits, which {@code selectFrom} reads
 * modulo 16, so the low nibble needs no mask ({@code vpermd}: one instruction where Q4_K has
 * {@code vpandd} + {@code vcvtdq2ps}). On 256-bit vectors a 16-level table needs two registers,
 * and JDK 25 runs the two-table {@code selectFrom} in Java (52-83 ns a vector against about 1 for
 * one table, even with AVX-512), so there IQ4_XS keeps its row kernels. The kernels are written
 * out again rather than shared with Q4_K behind a flag: they sit near C2's node budget, past
 * which it boxes vectors ({@link InterleavedKQuant}).
 *
 * <p>No 8-bit kernels ({@link #hasEightBit}): a level times an activation quant reaches 127 x 127,
 * so two products would overflow the short lanes those kernels add in.
 */
final class InterleavedIq4Xs extends InterleavedKQuant {
    static final int BLOCK_BYTES = 64 + 128 + 2048;
    private static final int D = 0, SC = 64, QS = 192;
    private static final int G = GROUP;
    /** The 16 levels ({@link Iq4Table}) as float bits, one per int lane, for {@code selectFrom}. */
    private static final IntVector LEVELS;

    static {
        int[] bits = new int[16];
        for (int i = 0; i < 16; i++) bits[i] = Float.floatToRawIntBits(Iq4Table.level(i));
        LEVELS = IntVector.fromArray(IntVector.SPECIES_512, bits, 0);
    }

    private InterleavedIq4Xs(MemorySegment data, int groups, int cols) {
        super(data, groups, cols, BLOCK_BYTES, false);
    }

    /** Whether this JVM's kernels can take an IQ4_XS copy: 512-bit vectors (see the class comment). */
    static boolean available() {
        return Wide.L == G;
    }

    /** Bytes of {@code groups} packed groups of {@code cols} columns. */
    static long bytes(int groups, int cols) {
        return (long) groups * (cols / Iq4XsFormat.BLOCK) * BLOCK_BYTES;
    }

    /** Groups already packed in {@code data} ({@link #bytes} long). */
    static InterleavedIq4Xs view(MemorySegment data, int groups, int cols) {
        return new InterleavedIq4Xs(data, groups, cols);
    }

    /** Packs the whole groups of {@code src}'s rows into {@code dst} ({@link #bytes} long). */
    static InterleavedIq4Xs pack(MemorySegment src, long rowBytes, int groups, int cols, MemorySegment dst, WorkerPool pool) {
        packBlocks(src, rowBytes, groups, cols, Iq4XsFormat.BYTES, BLOCK_BYTES, dst, pool, (rows, p, i, out, o) -> {
            out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + D + 4L * i, Le.f16(rows, p));
            for (int s = 0; s < 8; s++) out.set(ValueLayout.JAVA_BYTE, o + SC + 16 * s + i, (byte) Iq4XsFormat.subScale(rows, p, s));
            for (int l = 0; l < 128; l++) {
                int c = 64 * (l / 32) + l % 32; // the columns of byte l's low and high nibble: c and c + 32
                out.set(ValueLayout.JAVA_BYTE, o + QS + 16L * l + i, (byte) (index(rows, p, c) | index(rows, p, c + 32) << 4));
            }
        });
        return new InterleavedIq4Xs(dst, groups, cols);
    }

    /** The level index of column {@code c} of the IQ4_XS block at {@code p}: sub-block c / 32, low nibbles its first 16 values. */
    private static int index(MemorySegment src, long p, int c) {
        int ib = c / 32, k = c % 32;
        return (Le.u8(src, p + 8 + 16 * ib + k % 16) >> (4 * (k / 16))) & 0xF;
    }

    @Override
    InterleavedIq4Xs over(MemorySegment data, int groups) {
        return new InterleavedIq4Xs(data, groups, BLOCK * blocks);
    }

    @Override
    public boolean hasEightBit() {
        return false;
    }

    /** Vector API calls written out, not through {@link Wide}: see {@link InterleavedKQuant}. */
    @Override
    public void dequantizeGroup(int g, float[] tile) {
        long go = g * (long) blocks * BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D, Vec.LE);
            for (int s = 0; s < 8; s++) {
                FloatVector sc = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + SC + 16 * s, Vec.LE)
                        .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
                long q = bo + QS + 16L * 32 * (s >> 1);
                int shift = 4 * (s & 1), o = G * (256 * b + 32 * s);
                for (int j = 0; j < 32; j++) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                    v.lanewise(VectorOperators.LSHR, shift).selectFrom(LEVELS).reinterpretAsFloats().mul(sc).intoArray(tile, o + G * j);
                }
            }
        }
    }

    /**
     * Per 64 columns, one load per unit gives two columns (low and high nibbles), each meeting its
     * broadcast activation; Vector API calls written out: see {@link InterleavedKQuant}.
     */
    @Override
    void quadBlock(long b0, long b1, long b2, long b3, int h, float[] x, int xo, float[] sums, int so,
                   float[] out, int o0, int o1, int o2, int o3) {
        FloatVector s0 = FloatVector.zero(Wide.F), s1 = s0, s2 = s0, s3 = s0;
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        for (int c = 0; c < 4; c++) {
            FloatVector l0 = FloatVector.zero(Wide.F), l1 = l0, l2 = l0, l3 = l0, u0 = l0, u1 = l0, u2 = l0, u3 = l0;
            for (int j = 0; j < 32; j++) {
                FloatVector ylo = FloatVector.broadcast(Wide.F, x[xo + 64 * c + j]), yhi = FloatVector.broadcast(Wide.F, x[xo + 64 * c + 32 + j]);
                long k = 16L * (32 * c + j);
                IntVector v0 = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + k, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                IntVector v1 = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + k, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                IntVector v2 = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + k, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                IntVector v3 = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + k, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                l0 = ((FloatVector) v0.selectFrom(LEVELS).reinterpretAsFloats()).fma(ylo, l0);
                u0 = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats()).fma(yhi, u0);
                l1 = ((FloatVector) v1.selectFrom(LEVELS).reinterpretAsFloats()).fma(ylo, l1);
                u1 = ((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats()).fma(yhi, u1);
                l2 = ((FloatVector) v2.selectFrom(LEVELS).reinterpretAsFloats()).fma(ylo, l2);
                u2 = ((FloatVector) v2.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats()).fma(yhi, u2);
                l3 = ((FloatVector) v3.selectFrom(LEVELS).reinterpretAsFloats()).fma(ylo, l3);
                u3 = ((FloatVector) v3.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats()).fma(yhi, u3);
            }
            int sc = SC + 32 * c;
            s0 = u0.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc + 16, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), l0.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s0));
            s1 = u1.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + 16 + h, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), l1.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s1));
            s2 = u2.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc + 16, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), l2.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s2));
            s3 = u3.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + 16 + h, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), l3.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s3));
        }
        s0.fma(FloatVector.fromMemorySegment(Wide.F, data, b0 + D, Vec.LE), FloatVector.fromArray(Wide.F, out, o0)).intoArray(out, o0);
        s1.fma(FloatVector.fromMemorySegment(Wide.F, data, b1 + D + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o1)).intoArray(out, o1);
        s2.fma(FloatVector.fromMemorySegment(Wide.F, data, b2 + D, Vec.LE), FloatVector.fromArray(Wide.F, out, o2)).intoArray(out, o2);
        s3.fma(FloatVector.fromMemorySegment(Wide.F, data, b3 + D + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o3)).intoArray(out, o3);
    }

    /**
     * Two tokens: per 64 columns, one load per unit gives two columns (low and high nibbles), each
     * converted once and multiplied with both tokens' broadcast activations (16 accumulators); then
     * per unit the sums times the sub-blocks' scales and d added to {@code acc} (Vector API calls
     * written out: see {@link InterleavedKQuant}).
     */
    @Override
    void quadBlock2(long b0, long b1, long b2, long b3, int h, float[] x, int xa, int xb, float[] acc) {
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        int l = Wide.L;
        for (int c = 0; c < 4; c++) {
            FloatVector la0 = FloatVector.zero(Wide.F), la1 = la0, la2 = la0, la3 = la0, ha0 = la0, ha1 = la0, ha2 = la0, ha3 = la0;
            FloatVector lb0 = la0, lb1 = la0, lb2 = la0, lb3 = la0, hb0 = la0, hb1 = la0, hb2 = la0, hb3 = la0;
            for (int j = 0; j < 32; j++) {
                int xj = 64 * c + j;
                FloatVector ya = FloatVector.broadcast(Wide.F, x[xa + xj]), za = FloatVector.broadcast(Wide.F, x[xa + xj + 32]);
                FloatVector yb = FloatVector.broadcast(Wide.F, x[xb + xj]), zb = FloatVector.broadcast(Wide.F, x[xb + xj + 32]);
                long k = 16L * (32 * c + j);
                IntVector v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                FloatVector lo = (FloatVector) v.selectFrom(LEVELS).reinterpretAsFloats(), hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats();
                la0 = lo.fma(ya, la0); lb0 = lo.fma(yb, lb0); ha0 = hi.fma(za, ha0); hb0 = hi.fma(zb, hb0);
                v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                lo = (FloatVector) v.selectFrom(LEVELS).reinterpretAsFloats();
                hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats();
                la1 = lo.fma(ya, la1); lb1 = lo.fma(yb, lb1); ha1 = hi.fma(za, ha1); hb1 = hi.fma(zb, hb1);
                v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                lo = (FloatVector) v.selectFrom(LEVELS).reinterpretAsFloats();
                hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats();
                la2 = lo.fma(ya, la2); lb2 = lo.fma(yb, lb2); ha2 = hi.fma(za, ha2); hb2 = hi.fma(zb, hb2);
                v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                lo = (FloatVector) v.selectFrom(LEVELS).reinterpretAsFloats();
                hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats();
                la3 = lo.fma(ya, la3); lb3 = lo.fma(yb, lb3); ha3 = hi.fma(za, ha3); hb3 = hi.fma(zb, hb3);
            }
            int sc = SC + 32 * c;
            FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, b0 + D, Vec.LE);
            FloatVector sl = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            FloatVector sh = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc + 16, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            la0.fma(sl, ha0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
            lb0.fma(sl, hb0.fma(sh, FloatVector.fromArray(Wide.F, acc, l))).intoArray(acc, l);
            d = FloatVector.fromMemorySegment(Wide.F, data, b1 + D + 4L * h, Vec.LE);
            sl = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            sh = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + 16 + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            la1.fma(sl, ha1.fma(sh, FloatVector.fromArray(Wide.F, acc, 2 * l))).intoArray(acc, 2 * l);
            lb1.fma(sl, hb1.fma(sh, FloatVector.fromArray(Wide.F, acc, 3 * l))).intoArray(acc, 3 * l);
            d = FloatVector.fromMemorySegment(Wide.F, data, b2 + D, Vec.LE);
            sl = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            sh = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc + 16, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            la2.fma(sl, ha2.fma(sh, FloatVector.fromArray(Wide.F, acc, 4 * l))).intoArray(acc, 4 * l);
            lb2.fma(sl, hb2.fma(sh, FloatVector.fromArray(Wide.F, acc, 5 * l))).intoArray(acc, 5 * l);
            d = FloatVector.fromMemorySegment(Wide.F, data, b3 + D + 4L * h, Vec.LE);
            sl = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            sh = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + 16 + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            la3.fma(sl, ha3.fma(sh, FloatVector.fromArray(Wide.F, acc, 6 * l))).intoArray(acc, 6 * l);
            lb3.fma(sl, hb3.fma(sh, FloatVector.fromArray(Wide.F, acc, 7 * l))).intoArray(acc, 7 * l);
        }
    }

    /**
     * One block of lanes {@code [h, h+L)} of a group, added to {@code out[o ..]} (in memory rather
     * than passed and returned as a vector: when C2 does not inline this method, a vector
     * argument or result is boxed, an allocation per block).
     */
    @Override
    void blockDot(long bo, int h, float[] x, int xo, float[] sums, int so, float[] out, int o) {
        FloatVector sum = Wide.zero();
        for (int c = 0; c < 4; c++) {
            // sub-blocks 2c (low nibbles, columns 64c + j) and 2c+1 (high nibbles, 64c + 32 + j) from the same loads
            long q = bo + QS + 16L * 32 * c + h;
            int xl = xo + 64 * c;
            FloatVector lo = Wide.zero(), hi = lo;
            for (int j = 0; j < 32; j++) {
                IntVector v = Wide.u8(data, q + 16L * j);
                lo = v.selectFrom(LEVELS).reinterpretAsFloats().fma(FloatVector.broadcast(Wide.F, x[xl + j]), lo);
                hi = v.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats().fma(FloatVector.broadcast(Wide.F, x[xl + 32 + j]), hi);
            }
            sum = lo.fma(Wide.toFloat(Wide.s8(data, bo + SC + 32 * c + h)), sum);
            sum = hi.fma(Wide.toFloat(Wide.s8(data, bo + SC + 32 * c + 16 + h)), sum);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        sum.fma(d, FloatVector.fromArray(Wide.F, out, o)).intoArray(out, o);
    }



    /**
     * Two groups (at {@code ga}, {@code gb}; {@code L == 16}) for 4 tokens: the first group's 4
     * accumulators to {@code acc[0 .. 4L)}, the second's to {@code acc[4L .. 8L)}.
     */
    @Override
    void groups4(long ga, long gb, float[] x, int x0, int x1, int x2, int x3, float[] sums, int s0, int s1, int s2, int s3, float[] acc) {
        java.util.Arrays.fill(acc, 0, 8 * Wide.L, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = (long) b * BLOCK_BYTES;
            int xb = 256 * b, sb = 8 * b;
            for (int c = 0; c < 4; c++) pair4x2(ga + bo, gb + bo, c, x, x0 + xb + 64 * c, x1 + xb + 64 * c, x2 + xb + 64 * c, x3 + xb + 64 * c, acc);
        }
    }

    /**
     * 64 columns (sub-blocks 2c and 2c+1) of two groups' blocks for 4 tokens: each 16-byte load
     * per group gives two columns, each broadcast activation feeds one FMA per group (16
     * accumulators). Vector API calls written out (see {@link InterleavedKQuant}).
     */
    private void pair4x2(long ba, long bb, int c, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        long qa = ba + QS + 16L * 32 * c, qb = bb + QS + 16L * 32 * c;
        FloatVector la0 = FloatVector.zero(Wide.F), la1 = la0, la2 = la0, la3 = la0, ha0 = la0, ha1 = la0, ha2 = la0, ha3 = la0;
        FloatVector lb0 = la0, lb1 = la0, lb2 = la0, lb3 = la0, hb0 = la0, hb1 = la0, hb2 = la0, hb3 = la0;
        for (int j = 0; j < 32; j++) {
            IntVector va = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, qa + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
            IntVector vb = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, qb + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
            FloatVector loa = (FloatVector) va.selectFrom(LEVELS).reinterpretAsFloats();
            FloatVector lob = (FloatVector) vb.selectFrom(LEVELS).reinterpretAsFloats();
            FloatVector y = FloatVector.broadcast(Wide.F, x[x0 + j]);
            la0 = loa.fma(y, la0); lb0 = lob.fma(y, lb0);
            y = FloatVector.broadcast(Wide.F, x[x1 + j]);
            la1 = loa.fma(y, la1); lb1 = lob.fma(y, lb1);
            y = FloatVector.broadcast(Wide.F, x[x2 + j]);
            la2 = loa.fma(y, la2); lb2 = lob.fma(y, lb2);
            y = FloatVector.broadcast(Wide.F, x[x3 + j]);
            la3 = loa.fma(y, la3); lb3 = lob.fma(y, lb3);
            FloatVector hia = (FloatVector) va.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats();
            FloatVector hib = (FloatVector) vb.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats();
            y = FloatVector.broadcast(Wide.F, x[x0 + 32 + j]);
            ha0 = hia.fma(y, ha0); hb0 = hib.fma(y, hb0);
            y = FloatVector.broadcast(Wide.F, x[x1 + 32 + j]);
            ha1 = hia.fma(y, ha1); hb1 = hib.fma(y, hb1);
            y = FloatVector.broadcast(Wide.F, x[x2 + 32 + j]);
            ha2 = hia.fma(y, ha2); hb2 = hib.fma(y, hb2);
            y = FloatVector.broadcast(Wide.F, x[x3 + 32 + j]);
            ha3 = hia.fma(y, ha3); hb3 = hib.fma(y, hb3);
        }
        FloatVector da = FloatVector.fromMemorySegment(Wide.F, data, ba + D, Vec.LE), db = FloatVector.fromMemorySegment(Wide.F, data, bb + D, Vec.LE);
        FloatVector sla = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, ba + SC + 32 * c, Vec.LE)
                .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(da);
        FloatVector sha = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, ba + SC + 32 * c + 16, Vec.LE)
                .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(da);
        FloatVector slb = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bb + SC + 32 * c, Vec.LE)
                .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(db);
        FloatVector shb = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bb + SC + 32 * c + 16, Vec.LE)
                .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(db);
        int l = Wide.L;
        la0.fma(sla, ha0.fma(sha, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        la1.fma(sla, ha1.fma(sha, FloatVector.fromArray(Wide.F, acc, l))).intoArray(acc, l);
        la2.fma(sla, ha2.fma(sha, FloatVector.fromArray(Wide.F, acc, 2 * l))).intoArray(acc, 2 * l);
        la3.fma(sla, ha3.fma(sha, FloatVector.fromArray(Wide.F, acc, 3 * l))).intoArray(acc, 3 * l);
        lb0.fma(slb, hb0.fma(shb, FloatVector.fromArray(Wide.F, acc, 4 * l))).intoArray(acc, 4 * l);
        lb1.fma(slb, hb1.fma(shb, FloatVector.fromArray(Wide.F, acc, 5 * l))).intoArray(acc, 5 * l);
        lb2.fma(slb, hb2.fma(shb, FloatVector.fromArray(Wide.F, acc, 6 * l))).intoArray(acc, 6 * l);
        lb3.fma(slb, hb3.fma(shb, FloatVector.fromArray(Wide.F, acc, 7 * l))).intoArray(acc, 7 * l);
    }


    /** Lanes {@code [h, h+L)} of the group at {@code go} for 4 tokens, into {@code acc}. */
    @Override
    void group4(long go, int h, float[] x, int x0, int x1, int x2, int x3, float[] sums, int s0, int s1, int s2, int s3, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b, sb = 8 * b;
            for (int c = 0; c < 4; c++) pair4(bo, c, h, x, x0 + xb + 64 * c, x1 + xb + 64 * c, x2 + xb + 64 * c, x3 + xb + 64 * c, acc);
        }
    }

    /**
     * Sub-blocks 2c and 2c+1 of a block for 4 tokens (activations from {@code x0..x3}): each
     * 16-byte load gives both nibbles of 16 rows, converted to floats once and multiplied with
     * the 4 tokens' activations; the sums, times d times the sub-blocks' scales, go to {@code acc}.
     */
    private void pair4(long bo, int c, int h, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        long q = bo + QS + 16L * 32 * c + h;
        FloatVector l0 = Wide.zero(), l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
        for (int j = 0; j < 32; j++) {
            IntVector v = Wide.u8(data, q + 16L * j);
            FloatVector lo = v.selectFrom(LEVELS).reinterpretAsFloats(), hi = v.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats();
            l0 = lo.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), l0);
            l1 = lo.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), l1);
            l2 = lo.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), l2);
            l3 = lo.fma(FloatVector.broadcast(Wide.F, x[x3 + j]), l3);
            h0 = hi.fma(FloatVector.broadcast(Wide.F, x[x0 + 32 + j]), h0);
            h1 = hi.fma(FloatVector.broadcast(Wide.F, x[x1 + 32 + j]), h1);
            h2 = hi.fma(FloatVector.broadcast(Wide.F, x[x2 + 32 + j]), h2);
            h3 = hi.fma(FloatVector.broadcast(Wide.F, x[x3 + 32 + j]), h3);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector sl = Wide.toFloat(Wide.s8(data, bo + SC + 32 * c + h)).mul(d);
        FloatVector sh = Wide.toFloat(Wide.s8(data, bo + SC + 32 * c + 16 + h)).mul(d);
        l0.fma(sl, h0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        l1.fma(sl, h1.fma(sh, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
        l2.fma(sl, h2.fma(sh, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L))).intoArray(acc, 2 * Wide.L);
        l3.fma(sl, h3.fma(sh, FloatVector.fromArray(Wide.F, acc, 3 * Wide.L))).intoArray(acc, 3 * Wide.L);
    }

    /** {@link #group4} for 3 tokens. */
    @Override
    void group3(long go, int h, float[] x, int x0, int x1, int x2, float[] sums, int s0, int s1, int s2, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b, sb = 8 * b;
            for (int c = 0; c < 4; c++) pair3(bo, c, h, x, x0 + xb + 64 * c, x1 + xb + 64 * c, x2 + xb + 64 * c, acc);
        }
    }

    /** {@link #pair4} for 3 tokens. */
    private void pair3(long bo, int c, int h, float[] x, int x0, int x1, int x2, float[] acc) {
        long q = bo + QS + 16L * 32 * c + h;
        FloatVector l0 = Wide.zero(), l1 = l0, l2 = l0, h0 = l0, h1 = l0, h2 = l0;
        for (int j = 0; j < 32; j++) {
            IntVector v = Wide.u8(data, q + 16L * j);
            FloatVector lo = v.selectFrom(LEVELS).reinterpretAsFloats(), hi = v.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats();
            l0 = lo.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), l0);
            l1 = lo.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), l1);
            l2 = lo.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), l2);
            h0 = hi.fma(FloatVector.broadcast(Wide.F, x[x0 + 32 + j]), h0);
            h1 = hi.fma(FloatVector.broadcast(Wide.F, x[x1 + 32 + j]), h1);
            h2 = hi.fma(FloatVector.broadcast(Wide.F, x[x2 + 32 + j]), h2);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector sl = Wide.toFloat(Wide.s8(data, bo + SC + 32 * c + h)).mul(d);
        FloatVector sh = Wide.toFloat(Wide.s8(data, bo + SC + 32 * c + 16 + h)).mul(d);
        l0.fma(sl, h0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        l1.fma(sl, h1.fma(sh, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
        l2.fma(sl, h2.fma(sh, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L))).intoArray(acc, 2 * Wide.L);
    }

    /** {@link #group4} for 2 tokens. */
    @Override
    void group2(long go, int h, float[] x, int x0, int x1, float[] sums, int s0, int s1, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b, sb = 8 * b;
            for (int c = 0; c < 4; c++) pair2(bo, c, h, x, x0 + xb + 64 * c, x1 + xb + 64 * c, acc);
        }
    }

    /** {@link #pair4} for 2 tokens. */
    private void pair2(long bo, int c, int h, float[] x, int x0, int x1, float[] acc) {
        long q = bo + QS + 16L * 32 * c + h;
        FloatVector l0 = Wide.zero(), l1 = l0, h0 = l0, h1 = l0;
        for (int j = 0; j < 32; j++) {
            IntVector v = Wide.u8(data, q + 16L * j);
            FloatVector lo = v.selectFrom(LEVELS).reinterpretAsFloats(), hi = v.lanewise(VectorOperators.LSHR, 4).selectFrom(LEVELS).reinterpretAsFloats();
            l0 = lo.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), l0);
            l1 = lo.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), l1);
            h0 = hi.fma(FloatVector.broadcast(Wide.F, x[x0 + 32 + j]), h0);
            h1 = hi.fma(FloatVector.broadcast(Wide.F, x[x1 + 32 + j]), h1);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector sl = Wide.toFloat(Wide.s8(data, bo + SC + 32 * c + h)).mul(d);
        FloatVector sh = Wide.toFloat(Wide.s8(data, bo + SC + 32 * c + 16 + h)).mul(d);
        l0.fma(sl, h0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        l1.fma(sl, h1.fma(sh, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
    }

    /** Never called: {@link #hasEightBit} keeps 8-bit activations away from this copy. */
    @Override
    public void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff) {
        throw new UnsupportedOperationException("IQ4_XS has no 8-bit kernels");
    }

    @Override
    void blockQ8(long bo, Q8Activations a, int col, float[] out, int o) {
        throw new UnsupportedOperationException("IQ4_XS has no 8-bit kernels");
    }

    @Override
    void quadQ8(long b0, long b1, long b2, long b3, Q8Activations a, int col, float[] out, int o0, int o1, int o2, int o3) {
        throw new UnsupportedOperationException("IQ4_XS has no 8-bit kernels");
    }
}
