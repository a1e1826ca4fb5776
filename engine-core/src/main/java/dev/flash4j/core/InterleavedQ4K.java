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
 * <p>8-bit kernels: quants stay integers in short lanes (one per row), multiplied by the broadcast
 * activation quant. On 512-bit vectors a lane adds at most 16 products of at most 15*127 (30480, no
 * overflow) before it is widened to an int sum; on 256-bit ones it adds all 32 of a sub-block,
 * wrapping, and one subtraction makes the sum exact ({@link #quadSumsQ8Narrow}). At the end of a
 * sub-block the sum is scaled once in floats. On 256-bit vectors there are also passes of 2 and 4
 * tokens ({@link #tokensQ8}), and these kernels are faster than the float ones ({@link #eightBitFaster}).
 */
final class InterleavedQ4K extends InterleavedKQuant {
    static final int BLOCK_BYTES = 64 + 64 + 128 + 128 + 2048;
    private static final int D = 0, DMIN = 64, SC = 128, MN = 256, QS = 384;
    private static final int G = GROUP;
    private static final VectorSpecies<Short> S2 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Byte> B32 = ByteVector.SPECIES_256;

    private InterleavedQ4K(MemorySegment data, int groups, int cols) {
        super(data, groups, cols, BLOCK_BYTES, true);
    }

    /** Bytes of {@code groups} packed groups of {@code cols} columns. */
    static long bytes(int groups, int cols) {
        return (long) groups * (cols / Q4KFormat.BLOCK) * BLOCK_BYTES;
    }

    /**
     * Row {@code i}'s d, dmin, sub-block scales and mins of the source block at {@code p} into their
     * lanes of the packed block at {@code o}: the first 384 bytes, the same in Q4_K's and Q5_K's
     * layouts (both start with d, dmin and the 12 bytes of 6-bit scales and mins).
     */
    static void packScales(MemorySegment rows, long p, int i, MemorySegment out, long o) {
        out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + D + 4L * i, Le.f16(rows, p));
        out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + DMIN + 4L * i, Le.f16(rows, p + 2));
        for (int s = 0; s < 8; s++) {
            out.set(ValueLayout.JAVA_BYTE, o + SC + 16 * s + i, (byte) KScales.scale(rows, p + 4, s));
            out.set(ValueLayout.JAVA_BYTE, o + MN + 16 * s + i, (byte) KScales.min(rows, p + 4, s));
        }
    }

    /** Groups already packed in {@code data} ({@link #bytes} long). */
    static InterleavedQ4K view(MemorySegment data, int groups, int cols) {
        return new InterleavedQ4K(data, groups, cols);
    }

    /** Packs the whole groups of {@code src}'s rows into {@code dst} ({@link #bytes} long). */
    static InterleavedQ4K pack(MemorySegment src, long rowBytes, int groups, int cols, MemorySegment dst, WorkerPool pool) {
        packBlocks(src, rowBytes, groups, cols, Q4KFormat.BYTES, BLOCK_BYTES, dst, pool, (rows, p, i, out, o) -> {
            packScales(rows, p, i, out, o);
            for (int l = 0; l < 128; l++) out.set(ValueLayout.JAVA_BYTE, o + QS + 16L * l + i, rows.get(ValueLayout.JAVA_BYTE, p + 16 + l));
        });
        return new InterleavedQ4K(dst, groups, cols);
    }

    @Override
    InterleavedQ4K over(MemorySegment data, int groups) {
        return new InterleavedQ4K(data, groups, BLOCK * blocks);
    }

    /** Vector API calls written out, not through {@link Wide}: see {@link InterleavedKQuant}. */
    @Override
    public void dequantizeGroup(int g, float[] tile) {
        long go = g * (long) blocks * BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            for (int h = 0; h < G; h += Wide.L) {
                FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
                FloatVector dmin = FloatVector.fromMemorySegment(Wide.F, data, bo + DMIN + 4L * h, Vec.LE);
                for (int s = 0; s < 8; s++) {
                    FloatVector sc = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + SC + 16 * s + h, Vec.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
                    FloatVector mn = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + MN + 16 * s + h, Vec.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(dmin).neg();
                    long q = bo + QS + 16L * 32 * (s >> 1) + h;
                    int shift = 4 * (s & 1), o = G * (256 * b + 32 * s) + h;
                    for (int j = 0; j < 32; j++) {
                        IntVector v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                        ((FloatVector) v.lanewise(VectorOperators.LSHR, shift).and(0xF).convert(VectorOperators.I2F, 0)).fma(sc, mn).intoArray(tile, o + G * j);
                    }
                }
            }
        }
    }

    /**
     * Per 64 columns, one load per unit gives two columns (low and high nibbles), each meeting its
     * broadcast activation; then each unit's min terms. Vector API calls written out: see {@link InterleavedKQuant}.
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
                l0 = ((FloatVector) v0.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0)).fma(ylo, l0);
                u0 = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(yhi, u0);
                l1 = ((FloatVector) v1.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0)).fma(ylo, l1);
                u1 = ((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(yhi, u1);
                l2 = ((FloatVector) v2.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0)).fma(ylo, l2);
                u2 = ((FloatVector) v2.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(yhi, u2);
                l3 = ((FloatVector) v3.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0)).fma(ylo, l3);
                u3 = ((FloatVector) v3.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(yhi, u3);
            }
            int sc = SC + 32 * c;
            s0 = u0.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc + 16, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), l0.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s0));
            s1 = u1.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + 16 + h, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), l1.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + h, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s1));
            s2 = u2.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc + 16, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), l2.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s2));
            s3 = u3.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + 16 + h, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), l3.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + h, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s3));
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
                FloatVector lo = (FloatVector) v.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0), hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
                la0 = lo.fma(ya, la0); lb0 = lo.fma(yb, lb0); ha0 = hi.fma(za, ha0); hb0 = hi.fma(zb, hb0);
                v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                lo = (FloatVector) v.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0);
                hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
                la1 = lo.fma(ya, la1); lb1 = lo.fma(yb, lb1); ha1 = hi.fma(za, ha1); hb1 = hi.fma(zb, hb1);
                v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                lo = (FloatVector) v.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0);
                hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
                la2 = lo.fma(ya, la2); lb2 = lo.fma(yb, lb2); ha2 = hi.fma(za, ha2); hb2 = hi.fma(zb, hb2);
                v = (IntVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + k, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0);
                lo = (FloatVector) v.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0);
                hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
                la3 = lo.fma(ya, la3); lb3 = lo.fma(yb, lb3); ha3 = hi.fma(za, ha3); hb3 = hi.fma(zb, hb3);
            }
            int sc = SC + 32 * c;
            FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, b0 + D, Vec.LE);
            FloatVector sl = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            FloatVector sh = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + sc + 16, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            la0.fma(sl, ha0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
            lb0.fma(sl, hb0.fma(sh, FloatVector.fromArray(Wide.F, acc, l))).intoArray(acc, l);
            d = FloatVector.fromMemorySegment(Wide.F, data, b1 + D + 4L * h, Vec.LE);
            sl = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + h, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            sh = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + sc + 16 + h, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            la1.fma(sl, ha1.fma(sh, FloatVector.fromArray(Wide.F, acc, 2 * l))).intoArray(acc, 2 * l);
            lb1.fma(sl, hb1.fma(sh, FloatVector.fromArray(Wide.F, acc, 3 * l))).intoArray(acc, 3 * l);
            d = FloatVector.fromMemorySegment(Wide.F, data, b2 + D, Vec.LE);
            sl = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            sh = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + sc + 16, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            la2.fma(sl, ha2.fma(sh, FloatVector.fromArray(Wide.F, acc, 4 * l))).intoArray(acc, 4 * l);
            lb2.fma(sl, hb2.fma(sh, FloatVector.fromArray(Wide.F, acc, 5 * l))).intoArray(acc, 5 * l);
            d = FloatVector.fromMemorySegment(Wide.F, data, b3 + D + 4L * h, Vec.LE);
            sl = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + h, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
            sh = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + sc + 16 + h, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
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
        FloatVector sum = Wide.zero(), mins = Wide.zero();
        for (int c = 0; c < 4; c++) {
            // sub-blocks 2c (low nibbles, columns 64c + j) and 2c+1 (high nibbles, 64c + 32 + j) from the same loads
            long q = bo + QS + 16L * 32 * c + h;
            int xl = xo + 64 * c;
            FloatVector lo = Wide.zero(), hi = lo;
            for (int j = 0; j < 32; j++) {
                IntVector v = Wide.u8(data, q + 16L * j);
                lo = Wide.toFloat(v.and(0xF)).fma(FloatVector.broadcast(Wide.F, x[xl + j]), lo);
                hi = Wide.toFloat(v.lanewise(VectorOperators.LSHR, 4)).fma(FloatVector.broadcast(Wide.F, x[xl + 32 + j]), hi);
            }
            sum = lo.fma(Wide.toFloat(Wide.u8(data, bo + SC + 32 * c + h)), sum);
            sum = hi.fma(Wide.toFloat(Wide.u8(data, bo + SC + 32 * c + 16 + h)), sum);
            mins = Wide.toFloat(Wide.u8(data, bo + MN + 32 * c + h)).fma(FloatVector.broadcast(Wide.F, sums[so + 2 * c]), mins);
            mins = Wide.toFloat(Wide.u8(data, bo + MN + 32 * c + 16 + h)).fma(FloatVector.broadcast(Wide.F, sums[so + 2 * c + 1]), mins);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector dmin = FloatVector.fromMemorySegment(Wide.F, data, bo + DMIN + 4L * h, Vec.LE);
        sum.fma(d, mins.mul(dmin).neg().add(FloatVector.fromArray(Wide.F, out, o))).intoArray(out, o);
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
            InterleavedTokens.mins4(data, ga + bo, 0, sums, s0 + sb, s1 + sb, s2 + sb, s3 + sb, acc, 0);
            InterleavedTokens.mins4(data, gb + bo, 0, sums, s0 + sb, s1 + sb, s2 + sb, s3 + sb, acc, 4 * Wide.L);
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
            FloatVector loa = (FloatVector) va.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0);
            FloatVector lob = (FloatVector) vb.lanewise(VectorOperators.AND, 0xF).convert(VectorOperators.I2F, 0);
            FloatVector y = FloatVector.broadcast(Wide.F, x[x0 + j]);
            la0 = loa.fma(y, la0); lb0 = lob.fma(y, lb0);
            y = FloatVector.broadcast(Wide.F, x[x1 + j]);
            la1 = loa.fma(y, la1); lb1 = lob.fma(y, lb1);
            y = FloatVector.broadcast(Wide.F, x[x2 + j]);
            la2 = loa.fma(y, la2); lb2 = lob.fma(y, lb2);
            y = FloatVector.broadcast(Wide.F, x[x3 + j]);
            la3 = loa.fma(y, la3); lb3 = lob.fma(y, lb3);
            FloatVector hia = (FloatVector) va.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
            FloatVector hib = (FloatVector) vb.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
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
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(da);
        FloatVector sha = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, ba + SC + 32 * c + 16, Vec.LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(da);
        FloatVector slb = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bb + SC + 32 * c, Vec.LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(db);
        FloatVector shb = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bb + SC + 32 * c + 16, Vec.LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(db);
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
            InterleavedTokens.mins4(data, bo, h, sums, s0 + sb, s1 + sb, s2 + sb, s3 + sb, acc);
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
            FloatVector lo = Wide.toFloat(v.and(0xF)), hi = Wide.toFloat(v.lanewise(VectorOperators.LSHR, 4));
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
        FloatVector sl = Wide.toFloat(Wide.u8(data, bo + SC + 32 * c + h)).mul(d);
        FloatVector sh = Wide.toFloat(Wide.u8(data, bo + SC + 32 * c + 16 + h)).mul(d);
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
            InterleavedTokens.mins3(data, bo, h, sums, s0 + sb, s1 + sb, s2 + sb, acc);
        }
    }

    /** {@link #pair4} for 3 tokens. */
    private void pair3(long bo, int c, int h, float[] x, int x0, int x1, int x2, float[] acc) {
        long q = bo + QS + 16L * 32 * c + h;
        FloatVector l0 = Wide.zero(), l1 = l0, l2 = l0, h0 = l0, h1 = l0, h2 = l0;
        for (int j = 0; j < 32; j++) {
            IntVector v = Wide.u8(data, q + 16L * j);
            FloatVector lo = Wide.toFloat(v.and(0xF)), hi = Wide.toFloat(v.lanewise(VectorOperators.LSHR, 4));
            l0 = lo.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), l0);
            l1 = lo.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), l1);
            l2 = lo.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), l2);
            h0 = hi.fma(FloatVector.broadcast(Wide.F, x[x0 + 32 + j]), h0);
            h1 = hi.fma(FloatVector.broadcast(Wide.F, x[x1 + 32 + j]), h1);
            h2 = hi.fma(FloatVector.broadcast(Wide.F, x[x2 + 32 + j]), h2);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector sl = Wide.toFloat(Wide.u8(data, bo + SC + 32 * c + h)).mul(d);
        FloatVector sh = Wide.toFloat(Wide.u8(data, bo + SC + 32 * c + 16 + h)).mul(d);
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
            InterleavedTokens.mins2(data, bo, h, sums, s0 + sb, s1 + sb, acc);
        }
    }

    /** {@link #pair4} for 2 tokens. */
    private void pair2(long bo, int c, int h, float[] x, int x0, int x1, float[] acc) {
        long q = bo + QS + 16L * 32 * c + h;
        FloatVector l0 = Wide.zero(), l1 = l0, h0 = l0, h1 = l0;
        for (int j = 0; j < 32; j++) {
            IntVector v = Wide.u8(data, q + 16L * j);
            FloatVector lo = Wide.toFloat(v.and(0xF)), hi = Wide.toFloat(v.lanewise(VectorOperators.LSHR, 4));
            l0 = lo.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), l0);
            l1 = lo.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), l1);
            h0 = hi.fma(FloatVector.broadcast(Wide.F, x[x0 + 32 + j]), h0);
            h1 = hi.fma(FloatVector.broadcast(Wide.F, x[x1 + 32 + j]), h1);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector sl = Wide.toFloat(Wide.u8(data, bo + SC + 32 * c + h)).mul(d);
        FloatVector sh = Wide.toFloat(Wide.u8(data, bo + SC + 32 * c + 16 + h)).mul(d);
        l0.fma(sl, h0.fma(sh, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        l1.fma(sl, h1.fma(sh, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
    }

    /** {@code x[off] + ... + x[off + 31]}. */
    static float sum32(float[] x, int off) {
        FloatVector s = Wide.x(x, off);
        for (int i = Wide.L; i < 32; i += Wide.L) s = s.add(Wide.x(x, off + i));
        return Wide.sum(s);
    }

    @Override
    public void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff) {
        groupsQ8(g0, g1, a, aOff, out, outOff, false); // the kernels add the min terms themselves
    }

    /**
     * Block {@code bo} with 8-bit activations, its scale and min terms added to
     * {@code out[o .. o+16)} (activation column {@code col} the block's first): the four-group
     * kernel over the one block, four times the work for the at most three groups a matrix has
     * past its last whole quad, and one code path for the numbers.
     */
    @Override
    void blockQ8(long bo, Q8Activations a, int col, float[] out, int o) {
        if (Wide.L != G) {
            short[] sums = NARROW_SUMS.get();
            quadSumsQ8Narrow(bo, bo, bo, bo, a.rep16, a.sums, col, sums);
            scaleMinsQ8Narrow(bo, sums, 0, a, col, out, o);
            return;
        }
        short[] sums = QUAD_SUMS.get();
        quadSumsQ8(bo, bo, bo, bo, a.pairs, col, sums);
        scaleMinsQ8(bo, sums, 0, a, col, out, o);
    }

    /** Per thread: the four groups' short sums of {@link #quadSumsQ8}, 8 sub-blocks of 32 lanes each per group. */
    private static final ThreadLocal<short[]> QUAD_SUMS = ThreadLocal.withInitial(() -> new short[4 * 8 * 32]);

    /**
     * {@link #blockQ8} for the same block of four groups (at {@code b0 .. b3}), outputs at
     * {@code o0 .. o3}. {@link #quadSumsQ8} (or {@link #quadSumsQ8Narrow}) leaves the block's
     * short sums of all four groups in a per-thread array and one call per group turns them into
     * floats with the min terms: one method doing both (1.5 KB of bytecode) was compiled by C2 with
     * its vectors boxed in about one run in three (420-450 KB per decoded token in
     * {@code DecodeAllocationTest}). A call per 64 columns and group, and a separate pass for the
     * min terms, made the 512-bit kernel 1.2x slower (one thread, 1024 x 4096, data in L2: 21.5
     * against 25.9 GB/s).
     */
    @Override
    void quadQ8(long b0, long b1, long b2, long b3, Q8Activations a, int col, float[] out, int o0, int o1, int o2, int o3) {
        if (Wide.L != G) {
            short[] sums = NARROW_SUMS.get();
            quadSumsQ8Narrow(b0, b1, b2, b3, a.rep16, a.sums, col, sums);
            scaleMinsQ8Narrow(b0, sums, 0, a, col, out, o0);
            scaleMinsQ8Narrow(b1, sums, 256, a, col, out, o1);
            scaleMinsQ8Narrow(b2, sums, 512, a, col, out, o2);
            scaleMinsQ8Narrow(b3, sums, 768, a, col, out, o3);
            return;
        }
        short[] sums = QUAD_SUMS.get();
        quadSumsQ8(b0, b1, b2, b3, a.pairs, col, sums);
        scaleMinsQ8(b0, sums, 0, a, col, out, o0);
        scaleMinsQ8(b1, sums, 256, a, col, out, o1);
        scaleMinsQ8(b2, sums, 512, a, col, out, o2);
        scaleMinsQ8(b3, sums, 768, a, col, out, o3);
    }

    /**
     * First pass of {@link #quadQ8} on 512-bit vectors: the short sums of a whole block of four
     * groups (at {@code b0 .. b3}). Per 64 columns c and two byte positions, one activation vector
     * per nibble meets a 32-byte load of each group (16 products per lane, as described at the
     * top). Group k, sub-block s at {@code sums[256k + 32s ..]}: lanes 0-15 the even byte
     * positions' products of rows 0-15, lanes 16-31 the odd ones'.
     */
    private void quadSumsQ8(long b0, long b1, long b2, long b3, int[] pr, int col, short[] sums) {
        for (int c = 0; c < 4; c++) {
            long q = QS + 16L * 32 * c;
            int rl = (col + 64 * c) / 2, rh = rl + 16;
            ShortVector l0 = ShortVector.zero(S2), l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
            for (int j = 0; j < 16; j++) {
                ShortVector yl = (ShortVector) IntVector.broadcast(Wide.I, pr[rl + j]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD);
                ShortVector yh = (ShortVector) IntVector.broadcast(Wide.I, pr[rh + j]).reinterpretAsShorts().rearrange(Wide.PAIR_SPREAD);
                long p = q + 32L * j;
                ShortVector v0 = (ShortVector) ByteVector.fromMemorySegment(B32, data, b0 + p, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S2, 0);
                l0 = v0.and((short) 0xF).mul(yl).add(l0);
                h0 = v0.lanewise(VectorOperators.LSHR, 4).mul(yh).add(h0);
                ShortVector v1 = (ShortVector) ByteVector.fromMemorySegment(B32, data, b1 + p, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S2, 0);
                l1 = v1.and((short) 0xF).mul(yl).add(l1);
                h1 = v1.lanewise(VectorOperators.LSHR, 4).mul(yh).add(h1);
                ShortVector v2 = (ShortVector) ByteVector.fromMemorySegment(B32, data, b2 + p, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S2, 0);
                l2 = v2.and((short) 0xF).mul(yl).add(l2);
                h2 = v2.lanewise(VectorOperators.LSHR, 4).mul(yh).add(h2);
                ShortVector v3 = (ShortVector) ByteVector.fromMemorySegment(B32, data, b3 + p, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S2, 0);
                l3 = v3.and((short) 0xF).mul(yl).add(l3);
                h3 = v3.lanewise(VectorOperators.LSHR, 4).mul(yh).add(h3);
            }
            int s = 64 * c;
            l0.intoArray(sums, s);
            h0.intoArray(sums, s + 32);
            l1.intoArray(sums, 256 + s);
            h1.intoArray(sums, 256 + s + 32);
            l2.intoArray(sums, 512 + s);
            h2.intoArray(sums, 512 + s + 32);
            l3.intoArray(sums, 768 + s);
            h3.intoArray(sums, 768 + s + 32);
        }
    }

    /**
     * Second pass of {@link #quadQ8} on 512-bit vectors for one group (its sums from
     * {@code sums[base ..]}, activation column {@code col} the block's first): per sub-block s,
     * lanes i and 16+i added as ints, times the rows' scales and the activation's d; the min terms
     * (the rows' mins times d times the sub-block's quant sum) beside them; then times the rows'
     * d and dmin, added to {@code out[o .. o+16)}. One call per group and block with the min terms
     * in it: a call per 64 columns and a separate min pass took as long as the products (one
     * thread, data in L2).
     */
    private void scaleMinsQ8(long bo, short[] sums, int base, Q8Activations a, int col, float[] out, int o) {
        int blk = col / Q8Activations.BLOCK;
        FloatVector acc = FloatVector.zero(Wide.F), mins = acc;
        for (int s = 0; s < 8; s++) {
            float dq = a.d[blk + s];
            ShortVector p = ShortVector.fromArray(S2, sums, base + 32 * s);
            IntVector i = ((IntVector) p.convertShape(VectorOperators.S2I, Wide.I, 0)).add((IntVector) p.rearrange(Wide.HIGH_HALF).convertShape(VectorOperators.S2I, Wide.I, 0));
            FloatVector sc = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + SC + 16 * s, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(dq);
            acc = ((FloatVector) i.convert(VectorOperators.I2F, 0)).fma(sc, acc);
            FloatVector mn = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + MN + 16 * s, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
            mins = mn.fma(FloatVector.broadcast(Wide.F, dq * a.sums[blk + s]), mins);
        }
        acc = acc.fma(FloatVector.fromMemorySegment(Wide.F, data, bo + D, Vec.LE), FloatVector.fromArray(Wide.F, out, o));
        mins.neg().fma(FloatVector.fromMemorySegment(Wide.F, data, bo + DMIN, Vec.LE), acc).intoArray(out, o);
    }

    /**
     * {@link #quadQ8} on 256-bit vectors, first pass: the integer sums of a whole block of four
     * groups into {@code sums}. A 16-byte load holds byte position j of a group's 16 rows, widened
     * to 16 short lanes: its low nibbles meet 16 lanes of {@link Q8Activations#rep16} for column
     * 64c + j, its high ones those of column 64c + 32 + j. A lane adds all 32 products of a
     * sub-block, n*q with n in 0..15: up to 60960 in size, past a short, so the lane wraps. But the
     * sum of (n - 8)*q is at most 8*127*32 = 32512 in size, and a short holds it exactly; it equals
     * the wrapped sum minus 8 times the sum of the sub-block's activation quants ({@link Q8Activations#sums})
     * modulo 2^16, so one subtraction per sub-block makes each lane exact (the scaling pass adds
     * the 8 * sum back). One pass over the 32 positions instead of two halves of 16: half the
     * accumulator stores and loop entries (one thread, data in L2: 13.4 -> 15.5 Gweights/s).
     * Group k, 64 columns c, nibble n, row i at {@code sums[256k + 32c + 16n + i]}.
     */
    private void quadSumsQ8Narrow(long b0, long b1, long b2, long b3, short[] rep, int[] qsums, int col, short[] sums) {
        for (int c = 0; c < 4; c++) {
            long q = QS + 16L * 32 * c;
            int rl = 16 * (col + 64 * c), rh = rl + 16 * 32;
            ShortVector l0 = ShortVector.zero(S1), l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
            for (int j = 0; j < 32; j++) {
                ShortVector yl = ShortVector.fromArray(S1, rep, rl + 16 * j), yh = ShortVector.fromArray(S1, rep, rh + 16 * j);
                long p = q + 16L * j;
                // the high nibble by an int shift (an immediate; a short shift takes its count from a register) and a mask
                ShortVector v0 = (ShortVector) ByteVector.fromMemorySegment(B16, data, b0 + p, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S1, 0);
                l0 = v0.and((short) 0xF).mul(yl).add(l0);
                h0 = ((ShortVector) v0.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsShorts()).and((short) 0xF).mul(yh).add(h0);
                ShortVector v1 = (ShortVector) ByteVector.fromMemorySegment(B16, data, b1 + p, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S1, 0);
                l1 = v1.and((short) 0xF).mul(yl).add(l1);
                h1 = ((ShortVector) v1.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsShorts()).and((short) 0xF).mul(yh).add(h1);
                ShortVector v2 = (ShortVector) ByteVector.fromMemorySegment(B16, data, b2 + p, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S1, 0);
                l2 = v2.and((short) 0xF).mul(yl).add(l2);
                h2 = ((ShortVector) v2.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsShorts()).and((short) 0xF).mul(yh).add(h2);
                ShortVector v3 = (ShortVector) ByteVector.fromMemorySegment(B16, data, b3 + p, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S1, 0);
                l3 = v3.and((short) 0xF).mul(yl).add(l3);
                h3 = ((ShortVector) v3.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsShorts()).and((short) 0xF).mul(yh).add(h3);
            }
            int blk = (col + 64 * c) / Q8Activations.BLOCK, s = 32 * c;
            short cl = (short) (8 * qsums[blk]), ch = (short) (8 * qsums[blk + 1]);
            l0.sub(cl).intoArray(sums, s);
            h0.sub(ch).intoArray(sums, s + 16);
            l1.sub(cl).intoArray(sums, 256 + s);
            h1.sub(ch).intoArray(sums, 256 + s + 16);
            l2.sub(cl).intoArray(sums, 512 + s);
            h2.sub(ch).intoArray(sums, 512 + s + 16);
            l3.sub(cl).intoArray(sums, 768 + s);
            h3.sub(ch).intoArray(sums, 768 + s + 16);
        }
    }

    /**
     * On 256-bit vectors: there the float kernel is bound by its int-to-float conversions (20 of
     * its 37 micro-ops per 64 weights go to the two vector ALU ports), the 8-bit one is not.
     * Measured with data in L2, one thread: 15.0-17.1 against 12.0-12.9 Gweights/s one token,
     * 24.4 against 16.6 Gweight-tokens/s four tokens.
     */
    @Override
    public boolean eightBitFaster() {
        return Wide.L < G;
    }

    /** {@link #tokensQ8}: on 256-bit vectors. */
    @Override
    public boolean eightBitPasses() {
        return Wide.L < G;
    }

    /** Per thread: a multi-token pass's short sums ({@link #tokenSums}), 256 per token. */
    private static final ThreadLocal<short[]> TOKEN_SUMS = ThreadLocal.withInitial(() -> new short[InterleavedTokens.PASS * 256]);

    /**
     * Several tokens' 8-bit products on 256-bit vectors: each quant vector is decoded once and
     * multiplied with the activations of every token of a pass (up to 4). Four groups at a time, a
     * quarter of the range apart as the one-token kernels take them ({@link InterleavedKQuant#dot}:
     * the next four continue the same four streams through memory), then the groups left over;
     * the four take every pass before the next four, the passes after the first reading their
     * weights (150 KB for 4096 columns) from L2, a token left over by the one-token kernel. Within
     * a pass block by block, then group by group: a block's {@link Q8Activations#rep16} for four
     * tokens is 32 KB, which stays in L1 while the four groups use it (with the groups outside,
     * every activation load came from L2 and a 4-token pass ran at 17.7 instead of 24.4
     * Gweight-tokens/s, one thread).
     */
    @Override
    void tokensQ8(int g0, int g1, Q8Activations a, int cols, int tokens, float[] out, int outOff, int outStride) {
        int q = (g1 - g0) / QUAD, rest = g0 + QUAD * q;
        for (int k = 0; k < q; k++) tokensQ8Groups(g0 + k, q, QUAD, a, cols, tokens, out, outOff, outStride);
        if (rest < g1) tokensQ8Groups(rest, 1, g1 - rest, a, cols, tokens, out, outOff, outStride);
    }

    /** {@link #tokensQ8} over {@code count} groups (at most four) {@code first}, {@code first + stride}, ... */
    private void tokensQ8Groups(int first, int stride, int count, Q8Activations a, int cols, int tokens, float[] out, int outOff, int outStride) {
        short[] sums = TOKEN_SUMS.get();
        long gb = groupBytes();
        for (int t = 0; t < tokens; ) {
            int pass = tokens - t >= 4 ? 4 : tokens - t >= 2 ? 2 : 1, o = outOff + t * outStride;
            if (pass == 1) {
                // a token left over: the one-token kernels over the same groups (they add the min terms themselves)
                if (count == QUAD) quadQ8At(first, stride, a, t * cols, out, o, false);
                else for (int i = 0; i < count; i++) groupQ8(first + i * stride, a, t * cols, out, o, false);
                break;
            }
            for (int u = 0; u < pass; u++) {
                for (int i = 0; i < count; i++) clearGroup(out, o + u * outStride + G * (first + i * stride));
            }
            for (int b = 0; b < blocks; b++) {
                int col = t * cols + BLOCK * b;
                for (int i = 0; i < count; i++) {
                    int g = first + i * stride;
                    long bo = g * gb + (long) b * BLOCK_BYTES;
                    tokenSums(bo, a.rep16, a.sums, col, cols, pass, sums);
                    for (int u = 0; u < pass; u++) scaleMinsQ8Narrow(bo, sums, 256 * u, a, col + u * cols, out, o + u * outStride + G * g);
                }
            }
            t += pass;
        }
    }

    /**
     * Second pass of {@link #quadSumsQ8Narrow} (or {@link #tokenSums}) for one group and token, the
     * min terms with it (its sums from {@code sums[base ..]}, activation column {@code col} the
     * block's first): per sub-block s and 8 rows, the sum as floats times the activation's d plus
     * 8 d times its quants' sum (the offset taken out in the first pass), times the rows' scales,
     * then the rows' d; minus dmin times the rows' mins times d times the quants' sum; added to
     * {@code out[o .. o+16)}. One pass for both: a separate pass for the min terms read the
     * activation's d and sums again, and a 2-token pass was then no faster than floats.
     */
    private void scaleMinsQ8Narrow(long bo, short[] sums, int base, Q8Activations a, int col, float[] out, int o) {
        int blk = col / Q8Activations.BLOCK;
        FloatVector a0 = FloatVector.zero(Wide.F), a1 = a0, m0 = a0, m1 = a0;
        for (int s = 0; s < 8; s++) {
            float dq = a.d[blk + s], ds = dq * a.sums[blk + s];
            FloatVector d = FloatVector.broadcast(Wide.F, dq), e = FloatVector.broadcast(Wide.F, ds), e8 = FloatVector.broadcast(Wide.F, 8 * ds);
            int i = base + 16 * s;
            long sc = bo + SC + 16 * s, mn = bo + MN + 16 * s;
            FloatVector t0 = ((FloatVector) ShortVector.fromArray(Wide.SH, sums, i).convertShape(VectorOperators.S2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(d, e8);
            FloatVector t1 = ((FloatVector) ShortVector.fromArray(Wide.SH, sums, i + 8).convertShape(VectorOperators.S2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(d, e8);
            a0 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, sc, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(t0, a0);
            a1 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, sc + 8, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(t1, a1);
            m0 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, mn, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(e, m0);
            m1 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, mn + 8, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(e, m1);
        }
        a0 = a0.fma(FloatVector.fromMemorySegment(Wide.F, data, bo + D, Vec.LE), FloatVector.fromArray(Wide.F, out, o));
        a1 = a1.fma(FloatVector.fromMemorySegment(Wide.F, data, bo + D + 32, Vec.LE), FloatVector.fromArray(Wide.F, out, o + 8));
        m0.neg().fma(FloatVector.fromMemorySegment(Wide.F, data, bo + DMIN, Vec.LE), a0).intoArray(out, o);
        m1.neg().fma(FloatVector.fromMemorySegment(Wide.F, data, bo + DMIN + 32, Vec.LE), a1).intoArray(out, o + 8);
    }

    /**
     * {@link #quadSumsQ8Narrow} for one group and two or four tokens (activation column {@code col}
     * the block's first for the first token, the next tokens {@code cols} further each): token k,
     * 64 columns c, nibble n, row i at {@code sums[256k + 32c + 16n + i]}. Two kernels written out,
     * one per pass size: their accumulators must stay in registers (8 for four tokens).
     */
    private void tokenSums(long bo, short[] rep, int[] qsums, int col, int cols, int pass, short[] sums) {
        if (pass == 4) tokenSums4(bo, rep, qsums, col, cols, sums);
        else tokenSums2(bo, rep, qsums, col, cols, sums);
    }

    private void tokenSums4(long bo, short[] rep, int[] qsums, int col, int cols, short[] sums) {
        int st = 16 * cols, bt = cols / Q8Activations.BLOCK;
        for (int c = 0; c < 4; c++) {
            long q = bo + QS + 16L * 32 * c;
            int rl = 16 * (col + 64 * c), rh = rl + 16 * 32;
            ShortVector l0 = ShortVector.zero(S1), l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
            for (int j = 0; j < 32; j++) {
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B16, data, q + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S1, 0);
                ShortVector lo = v.and((short) 0xF), hi = ((ShortVector) v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsShorts()).and((short) 0xF);
                int il = rl + 16 * j, ih = rh + 16 * j;
                l0 = lo.mul(ShortVector.fromArray(S1, rep, il)).add(l0);
                h0 = hi.mul(ShortVector.fromArray(S1, rep, ih)).add(h0);
                l1 = lo.mul(ShortVector.fromArray(S1, rep, il + st)).add(l1);
                h1 = hi.mul(ShortVector.fromArray(S1, rep, ih + st)).add(h1);
                l2 = lo.mul(ShortVector.fromArray(S1, rep, il + 2 * st)).add(l2);
                h2 = hi.mul(ShortVector.fromArray(S1, rep, ih + 2 * st)).add(h2);
                l3 = lo.mul(ShortVector.fromArray(S1, rep, il + 3 * st)).add(l3);
                h3 = hi.mul(ShortVector.fromArray(S1, rep, ih + 3 * st)).add(h3);
            }
            int blk = (col + 64 * c) / Q8Activations.BLOCK, s = 32 * c;
            l0.sub((short) (8 * qsums[blk])).intoArray(sums, s);
            h0.sub((short) (8 * qsums[blk + 1])).intoArray(sums, s + 16);
            l1.sub((short) (8 * qsums[blk + bt])).intoArray(sums, 256 + s);
            h1.sub((short) (8 * qsums[blk + bt + 1])).intoArray(sums, 256 + s + 16);
            l2.sub((short) (8 * qsums[blk + 2 * bt])).intoArray(sums, 512 + s);
            h2.sub((short) (8 * qsums[blk + 2 * bt + 1])).intoArray(sums, 512 + s + 16);
            l3.sub((short) (8 * qsums[blk + 3 * bt])).intoArray(sums, 768 + s);
            h3.sub((short) (8 * qsums[blk + 3 * bt + 1])).intoArray(sums, 768 + s + 16);
        }
    }

    private void tokenSums2(long bo, short[] rep, int[] qsums, int col, int cols, short[] sums) {
        int st = 16 * cols, bt = cols / Q8Activations.BLOCK;
        for (int c = 0; c < 4; c++) {
            long q = bo + QS + 16L * 32 * c;
            int rl = 16 * (col + 64 * c), rh = rl + 16 * 32;
            ShortVector l0 = ShortVector.zero(S1), l1 = l0, h0 = l0, h1 = l0;
            for (int j = 0; j < 32; j++) {
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B16, data, q + 16L * j, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S1, 0);
                ShortVector lo = v.and((short) 0xF), hi = ((ShortVector) v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsShorts()).and((short) 0xF);
                int il = rl + 16 * j, ih = rh + 16 * j;
                l0 = lo.mul(ShortVector.fromArray(S1, rep, il)).add(l0);
                h0 = hi.mul(ShortVector.fromArray(S1, rep, ih)).add(h0);
                l1 = lo.mul(ShortVector.fromArray(S1, rep, il + st)).add(l1);
                h1 = hi.mul(ShortVector.fromArray(S1, rep, ih + st)).add(h1);
            }
            int blk = (col + 64 * c) / Q8Activations.BLOCK, s = 32 * c;
            l0.sub((short) (8 * qsums[blk])).intoArray(sums, s);
            h0.sub((short) (8 * qsums[blk + 1])).intoArray(sums, s + 16);
            l1.sub((short) (8 * qsums[blk + bt])).intoArray(sums, 256 + s);
            h1.sub((short) (8 * qsums[blk + bt + 1])).intoArray(sums, 256 + s + 16);
        }
    }
}
