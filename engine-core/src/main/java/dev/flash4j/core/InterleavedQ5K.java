package dev.flash4j.core;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q5_K rows interleaved in groups of 16 ({@link InterleavedRows}), every 5-bit quant expanded to
 * a byte 0..31 (as {@link InterleavedQ6K} does, for the same reason). Per group and 256-column
 * block, {@link #BLOCK_BYTES} bytes:
 * <pre>
 *   [0, 64)       d of the 16 rows, f32
 *   [64, 128)     dmin of the 16 rows, f32
 *   [128, 256)    scales: sub-block s (columns 32s .. 32s+31) of row i at 128 + 16*s + i
 *   [256, 384)    mins, same layout
 *   [384, 4480)   quants: column c of row i at 384 + 16*c + i
 * </pre>
 * Value = {@code d*scale*q - dmin*min}; the kernel sums {@code q*x} per sub-block, scales it
 * once, and subtracts the mins times the sub-block's activation sum. 8-bit kernels: see
 * {@link #blockQ8}.
 */
final class InterleavedQ5K extends InterleavedKQuant {
    static final int BLOCK_BYTES = 64 + 64 + 128 + 128 + 4096;
    private static final int D = 0, DMIN = 64, SC = 128, MN = 256, QS = 384;
    private static final int G = GROUP;

    private InterleavedQ5K(MemorySegment data, int groups, int cols) {
        super(data, groups, cols, BLOCK_BYTES, true);
    }

    /** Bytes of {@code groups} packed groups of {@code cols} columns. */
    static long bytes(int groups, int cols) {
        return (long) groups * (cols / Q5KFormat.BLOCK) * BLOCK_BYTES;
    }

    /** Groups already packed in {@code data} ({@link #bytes} long). */
    static InterleavedQ5K view(MemorySegment data, int groups, int cols) {
        return new InterleavedQ5K(data, groups, cols);
    }

    /** Packs the whole groups of {@code src}'s rows into {@code dst} ({@link #bytes} long). */
    static InterleavedQ5K pack(MemorySegment src, long rowBytes, int groups, int cols, MemorySegment dst, WorkerPool pool) {
        packBlocks(src, rowBytes, groups, cols, Q5KFormat.BYTES, BLOCK_BYTES, dst, pool, (rows, p, i, out, o) -> {
            InterleavedQ4K.packScales(rows, p, i, out, o); // same header layout as Q4_K's
            for (int c = 0; c < 256; c++) out.set(ValueLayout.JAVA_BYTE, o + QS + 16L * c + i, (byte) quant(rows, p, c));
        });
        return new InterleavedQ5K(dst, groups, cols);
    }

    /** Quant 0..31 of column {@code c} of the Q5_K block at {@code p} (layout in {@link Q5KFormat}). */
    private static int quant(MemorySegment src, long p, int c) {
        int chunk = c / 64, l = c % 32, s = c / 32;
        int q = Le.u8(src, p + 48 + 32 * chunk + l);
        int low = (c % 64) < 32 ? q & 0xF : q >> 4;
        return low | (((Le.u8(src, p + 16 + l) >> s) & 1) << 4);
    }

    @Override
    InterleavedQ5K over(MemorySegment data, int groups) {
        return new InterleavedQ5K(data, groups, BLOCK * blocks);
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
                    long q = bo + QS + 16L * 32 * s + h;
                    int o = G * (256 * b + 32 * s) + h;
                    for (int j = 0; j < 32; j++) {
                        ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q + 16L * j, Vec.LE)
                                .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(sc, mn).intoArray(tile, o + G * j);
                    }
                }
            }
        }
    }

    /** Per sub-block and column, one broadcast activation meets the quants of all four units; then each unit's min terms (Vector API calls written out: see {@link InterleavedKQuant}). */
    @Override
    void quadBlock(long b0, long b1, long b2, long b3, int h, float[] x, int xo, float[] sums, int so,
                   float[] out, int o0, int o1, int o2, int o3) {
        FloatVector s0 = FloatVector.zero(Wide.F), s1 = s0, s2 = s0, s3 = s0;
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        for (int s = 0; s < 8; s++) {
            FloatVector a0 = FloatVector.zero(Wide.F), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < 32; j++) {
                FloatVector y = FloatVector.broadcast(Wide.F, x[xo + 32 * s + j]);
                long c = 16L * (32 * s + j);
                a0 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + c, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a0);
                a1 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + c, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a1);
                a2 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + c, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a2);
                a3 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + c, Vec.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a3);
            }
            s0 = a0.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + SC + 16 * s, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s0);
            s1 = a1.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + SC + 16 * s + h, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s1);
            s2 = a2.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + SC + 16 * s, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s2);
            s3 = a3.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + SC + 16 * s + h, Vec.LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s3);
        }
        s0.fma(FloatVector.fromMemorySegment(Wide.F, data, b0 + D, Vec.LE), FloatVector.fromArray(Wide.F, out, o0)).intoArray(out, o0);
        s1.fma(FloatVector.fromMemorySegment(Wide.F, data, b1 + D + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o1)).intoArray(out, o1);
        s2.fma(FloatVector.fromMemorySegment(Wide.F, data, b2 + D, Vec.LE), FloatVector.fromArray(Wide.F, out, o2)).intoArray(out, o2);
        s3.fma(FloatVector.fromMemorySegment(Wide.F, data, b3 + D + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o3)).intoArray(out, o3);
    }

    /** Sub-blocks of 32 columns: {@link InterleavedKQuant#byteQuantsOct}. */
    @Override
    void octBlock(long b0, long b1, long b2, long b3, int h, float[] x, int xo, float[] sums, int so, float[] out, int o) {
        byteQuantsOct(data, b0, b1, b2, b3, h, QS, SC, 1, x, xo, out, o);
    }

    /**
     * Two tokens: per sub-block and column, each unit's quants converted once and multiplied with
     * both tokens' broadcast activations; per sub-block, the sums times the rows' scales and d
     * added to {@code acc} (Vector API calls written out: see {@link InterleavedKQuant}).
     */
    @Override
    void quadBlock2(long b0, long b1, long b2, long b3, int h, float[] x, int xa, int xb, float[] acc) {
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        FloatVector d0 = FloatVector.fromMemorySegment(Wide.F, data, b0 + D, Vec.LE), d1 = FloatVector.fromMemorySegment(Wide.F, data, b1 + D + 4L * h, Vec.LE);
        FloatVector d2 = FloatVector.fromMemorySegment(Wide.F, data, b2 + D, Vec.LE), d3 = FloatVector.fromMemorySegment(Wide.F, data, b3 + D + 4L * h, Vec.LE);
        int l = Wide.L;
        for (int s = 0; s < 8; s++) {
            FloatVector a0 = FloatVector.zero(Wide.F), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            for (int j = 0; j < 32; j++) {
                FloatVector ya = FloatVector.broadcast(Wide.F, x[xa + 32 * s + j]), yb = FloatVector.broadcast(Wide.F, x[xb + 32 * s + j]);
                long c = 16L * (32 * s + j);
                FloatVector v = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + c, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
                a0 = v.fma(ya, a0);
                c0 = v.fma(yb, c0);
                v = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + c, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
                a1 = v.fma(ya, a1);
                c1 = v.fma(yb, c1);
                v = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + c, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
                a2 = v.fma(ya, a2);
                c2 = v.fma(yb, c2);
                v = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + c, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
                a3 = v.fma(ya, a3);
                c3 = v.fma(yb, c3);
            }
            FloatVector sc = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + SC + 16 * s, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d0);
            a0.fma(sc, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
            c0.fma(sc, FloatVector.fromArray(Wide.F, acc, l)).intoArray(acc, l);
            sc = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + SC + 16 * s + h, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d1);
            a1.fma(sc, FloatVector.fromArray(Wide.F, acc, 2 * l)).intoArray(acc, 2 * l);
            c1.fma(sc, FloatVector.fromArray(Wide.F, acc, 3 * l)).intoArray(acc, 3 * l);
            sc = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + SC + 16 * s, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d2);
            a2.fma(sc, FloatVector.fromArray(Wide.F, acc, 4 * l)).intoArray(acc, 4 * l);
            c2.fma(sc, FloatVector.fromArray(Wide.F, acc, 5 * l)).intoArray(acc, 5 * l);
            sc = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + SC + 16 * s + h, Vec.LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d3);
            a3.fma(sc, FloatVector.fromArray(Wide.F, acc, 6 * l)).intoArray(acc, 6 * l);
            c3.fma(sc, FloatVector.fromArray(Wide.F, acc, 7 * l)).intoArray(acc, 7 * l);
        }
    }

    /** {@link InterleavedKQuant#blockDot}. */
    @Override
    void blockDot(long bo, int h, float[] x, int xo, float[] sums, int so, float[] out, int o) {
        FloatVector sum = Wide.zero(), mins = Wide.zero();
        for (int s = 0; s < 8; s++) {
            // sub-block s: 32 columns, quants of column j at q + 16*j
            long q = bo + QS + 16L * 32 * s + h;
            int xs = xo + 32 * s;
            FloatVector s0 = Wide.zero(), s1 = s0;
            for (int j = 0; j < 32; j += 2) {
                s0 = Wide.toFloat(Wide.u8(data, q + 16L * j)).fma(FloatVector.broadcast(Wide.F, x[xs + j]), s0);
                s1 = Wide.toFloat(Wide.u8(data, q + 16L * (j + 1))).fma(FloatVector.broadcast(Wide.F, x[xs + j + 1]), s1);
            }
            sum = s0.add(s1).fma(Wide.toFloat(Wide.u8(data, bo + SC + 16 * s + h)), sum);
            mins = Wide.toFloat(Wide.u8(data, bo + MN + 16 * s + h)).fma(FloatVector.broadcast(Wide.F, sums[so + s]), mins);
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
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = (long) b * BLOCK_BYTES;
            int xb = 256 * b, sb = 8 * b;
            for (int s = 0; s < 8; s++) sub4x2(ga + bo, gb + bo, s, x, x0 + xb + 32 * s, x1 + xb + 32 * s, x2 + xb + 32 * s, x3 + xb + 32 * s, acc);
            InterleavedTokens.mins4(data, ga + bo, 0, sums, s0 + sb, s1 + sb, s2 + sb, s3 + sb, acc, 0);
            InterleavedTokens.mins4(data, gb + bo, 0, sums, s0 + sb, s1 + sb, s2 + sb, s3 + sb, acc, 4 * Wide.L);
        }
    }

    /**
     * Sub-block s of a block of two groups for 4 tokens: per column one vector of each group's 16
     * rows, each token's broadcast activation feeding one FMA per group (see {@link InterleavedQ6K}'s
     * {@code scaleGroup4x2}).
     */
    private void sub4x2(long ba, long bb, int s, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        long qa = ba + QS + 16L * 32 * s, qb = bb + QS + 16L * 32 * s;
        FloatVector a0 = Wide.zero(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int j = 0; j < 32; j++) {
            FloatVector va = Wide.toFloat(Wide.u8(data, qa + 16L * j)), vb = Wide.toFloat(Wide.u8(data, qb + 16L * j));
            FloatVector y = FloatVector.broadcast(Wide.F, x[x0 + j]);
            a0 = va.fma(y, a0); b0 = vb.fma(y, b0);
            y = FloatVector.broadcast(Wide.F, x[x1 + j]);
            a1 = va.fma(y, a1); b1 = vb.fma(y, b1);
            y = FloatVector.broadcast(Wide.F, x[x2 + j]);
            a2 = va.fma(y, a2); b2 = vb.fma(y, b2);
            y = FloatVector.broadcast(Wide.F, x[x3 + j]);
            a3 = va.fma(y, a3); b3 = vb.fma(y, b3);
        }
        FloatVector sa = Wide.toFloat(Wide.u8(data, ba + SC + 16 * s)).mul(FloatVector.fromMemorySegment(Wide.F, data, ba + D, Vec.LE));
        FloatVector sb = Wide.toFloat(Wide.u8(data, bb + SC + 16 * s)).mul(FloatVector.fromMemorySegment(Wide.F, data, bb + D, Vec.LE));
        int l = Wide.L;
        a0.fma(sa, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
        a1.fma(sa, FloatVector.fromArray(Wide.F, acc, l)).intoArray(acc, l);
        a2.fma(sa, FloatVector.fromArray(Wide.F, acc, 2 * l)).intoArray(acc, 2 * l);
        a3.fma(sa, FloatVector.fromArray(Wide.F, acc, 3 * l)).intoArray(acc, 3 * l);
        b0.fma(sb, FloatVector.fromArray(Wide.F, acc, 4 * l)).intoArray(acc, 4 * l);
        b1.fma(sb, FloatVector.fromArray(Wide.F, acc, 5 * l)).intoArray(acc, 5 * l);
        b2.fma(sb, FloatVector.fromArray(Wide.F, acc, 6 * l)).intoArray(acc, 6 * l);
        b3.fma(sb, FloatVector.fromArray(Wide.F, acc, 7 * l)).intoArray(acc, 7 * l);
    }

    /** Lanes {@code [h, h+L)} of the group at {@code go} for 4 tokens, into {@code acc}. */
    @Override
    void group4(long go, int h, float[] x, int x0, int x1, int x2, int x3, float[] sums, int s0, int s1, int s2, int s3, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b, sb = 8 * b;
            for (int s = 0; s < 8; s++) sub4(bo, s, h, x, x0 + xb + 32 * s, x1 + xb + 32 * s, x2 + xb + 32 * s, x3 + xb + 32 * s, acc);
            InterleavedTokens.mins4(data, bo, h, sums, s0 + sb, s1 + sb, s2 + sb, s3 + sb, acc);
        }
    }

    /** Sub-block s of a block for 4 tokens: each column's quants converted once, times d times the scale into {@code acc}. */
    private void sub4(long bo, int s, int h, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        long q = bo + QS + 16L * 32 * s + h;
        FloatVector a0 = Wide.zero(), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < 32; j++) {
            FloatVector v = Wide.toFloat(Wide.u8(data, q + 16L * j));
            a0 = v.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), a0);
            a1 = v.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), a1);
            a2 = v.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), a2);
            a3 = v.fma(FloatVector.broadcast(Wide.F, x[x3 + j]), a3);
        }
        FloatVector sc = Wide.toFloat(Wide.u8(data, bo + SC + 16 * s + h)).mul(FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE));
        a0.fma(sc, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
        a1.fma(sc, FloatVector.fromArray(Wide.F, acc, Wide.L)).intoArray(acc, Wide.L);
        a2.fma(sc, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L)).intoArray(acc, 2 * Wide.L);
        a3.fma(sc, FloatVector.fromArray(Wide.F, acc, 3 * Wide.L)).intoArray(acc, 3 * Wide.L);
    }

    /** {@link #group4} for 3 tokens. */
    @Override
    void group3(long go, int h, float[] x, int x0, int x1, int x2, float[] sums, int s0, int s1, int s2, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b, sb = 8 * b;
            for (int s = 0; s < 8; s++) sub3(bo, s, h, x, x0 + xb + 32 * s, x1 + xb + 32 * s, x2 + xb + 32 * s, acc);
            InterleavedTokens.mins3(data, bo, h, sums, s0 + sb, s1 + sb, s2 + sb, acc);
        }
    }

    /** {@link #sub4} for 3 tokens. */
    private void sub3(long bo, int s, int h, float[] x, int x0, int x1, int x2, float[] acc) {
        long q = bo + QS + 16L * 32 * s + h;
        FloatVector a0 = Wide.zero(), a1 = a0, a2 = a0;
        for (int j = 0; j < 32; j++) {
            FloatVector v = Wide.toFloat(Wide.u8(data, q + 16L * j));
            a0 = v.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), a0);
            a1 = v.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), a1);
            a2 = v.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), a2);
        }
        FloatVector sc = Wide.toFloat(Wide.u8(data, bo + SC + 16 * s + h)).mul(FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE));
        a0.fma(sc, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
        a1.fma(sc, FloatVector.fromArray(Wide.F, acc, Wide.L)).intoArray(acc, Wide.L);
        a2.fma(sc, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L)).intoArray(acc, 2 * Wide.L);
    }

    /** {@link #group4} for 2 tokens. */
    @Override
    void group2(long go, int h, float[] x, int x0, int x1, float[] sums, int s0, int s1, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b, sb = 8 * b;
            for (int s = 0; s < 8; s++) sub2(bo, s, h, x, x0 + xb + 32 * s, x1 + xb + 32 * s, acc);
            InterleavedTokens.mins2(data, bo, h, sums, s0 + sb, s1 + sb, acc);
        }
    }

    /** {@link #sub4} for 2 tokens (two accumulators each, for more FMAs in flight). */
    private void sub2(long bo, int s, int h, float[] x, int x0, int x1, float[] acc) {
        long q = bo + QS + 16L * 32 * s + h;
        FloatVector a0 = Wide.zero(), a1 = a0, b0 = a0, b1 = a0;
        for (int j = 0; j < 32; j += 2) {
            FloatVector v = Wide.toFloat(Wide.u8(data, q + 16L * j)), w = Wide.toFloat(Wide.u8(data, q + 16L * (j + 1)));
            a0 = v.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), a0);
            a1 = v.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), a1);
            b0 = w.fma(FloatVector.broadcast(Wide.F, x[x0 + j + 1]), b0);
            b1 = w.fma(FloatVector.broadcast(Wide.F, x[x1 + j + 1]), b1);
        }
        FloatVector sc = Wide.toFloat(Wide.u8(data, bo + SC + 16 * s + h)).mul(FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE));
        a0.add(b0).fma(sc, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
        a1.add(b1).fma(sc, FloatVector.fromArray(Wide.F, acc, Wide.L)).intoArray(acc, Wide.L);
    }

    @Override
    public void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff) {
        groupsQ8(g0, g1, a, aOff, out, outOff, true);
    }

    /** Scale groups of 32 columns: {@link InterleavedKQuant#byteQuantsBlockQ8} (the min terms: {@link InterleavedKQuant#minsQ8}). */
    @Override
    void blockQ8(long bo, Q8Activations a, int col, float[] out, int o) {
        byteQuantsBlockQ8(data, bo, QS, SC, 1, a, col, out, o);
    }

    @Override
    void quadQ8(long b0, long b1, long b2, long b3, Q8Activations a, int col, float[] out, int o0, int o1, int o2, int o3) {
        byteQuantsQuadQ8(data, b0, b1, b2, b3, QS, SC, 1, a, col, out, o0, o1, o2, o3);
    }
}
