package dev.flash4j.core;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q6_K rows interleaved in groups of 16 ({@link InterleavedRows}), with every 6-bit quant expanded
 * to a signed byte {@code q - 32}. Per group and 256-column block, {@link #BLOCK_BYTES} bytes:
 * <pre>
 *   [0, 64)       d of the 16 rows, f32
 *   [64, 320)     scales: group t (columns 16t .. 16t+15) of row i at 64 + 16*t + i (signed byte)
 *   [320, 4416)   quants: column c of row i at 320 + 16*c + i (signed byte q - 32)
 * </pre>
 * Expanding costs 31% more bytes than Q6_K's packed 210 per row and block, but re-assembling 6-bit
 * values from their 4+2 bit pieces would take about twice the vector instructions per value, and on
 * two cores the kernel, not memory, is the limit.
 *
 * <p>The 8-bit kernel sums products of at most 32*127 in 16 short lanes (one per row) for 8
 * columns (at most 32512, no overflow), then widens into int sums per scale group.
 */
final class InterleavedQ6K extends InterleavedKQuant {
    static final int BLOCK_BYTES = 64 + 256 + 4096;
    private static final int D = 0, SC = 64, QS = 320;
    private static final int G = GROUP;

    private InterleavedQ6K(MemorySegment data, int groups, int cols) {
        super(data, groups, cols, BLOCK_BYTES, false);
    }

    /** Bytes of {@code groups} packed groups of {@code cols} columns. */
    static long bytes(int groups, int cols) {
        return (long) groups * (cols / Q6KFormat.BLOCK) * BLOCK_BYTES;
    }

    /** Groups already packed in {@code data} ({@link #bytes} long). */
    static InterleavedQ6K view(MemorySegment data, int groups, int cols) {
        return new InterleavedQ6K(data, groups, cols);
    }

    /** Packs the whole groups of {@code src}'s rows into {@code dst} ({@link #bytes} long). */
    static InterleavedQ6K pack(MemorySegment src, long rowBytes, int groups, int cols, MemorySegment dst, WorkerPool pool) {
        packBlocks(src, rowBytes, groups, cols, Q6KFormat.BYTES, BLOCK_BYTES, dst, pool, (rows, p, i, out, o) -> {
            out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + D + 4L * i, Le.f16(rows, p + 208));
            for (int t = 0; t < 16; t++) out.set(ValueLayout.JAVA_BYTE, o + SC + 16 * t + i, (byte) Le.s8(rows, p + 192 + t));
            for (int c = 0; c < 256; c++) out.set(ValueLayout.JAVA_BYTE, o + QS + 16L * c + i, (byte) quant(rows, p, c));
        });
        return new InterleavedQ6K(dst, groups, cols);
    }

    /** Quant {@code q - 32} of column {@code c} of the Q6_K block at {@code p} (layout in {@link Q6KFormat}). */
    private static int quant(MemorySegment src, long p, int c) {
        int half = c / 128, k = c % 128, run = k / 32, l = k % 32;
        int ql = Le.u8(src, p + 64 * half + l + (run & 1) * 32);
        int qh = Le.u8(src, p + 128 + 32 * half + l);
        int low = run < 2 ? ql & 0xF : ql >> 4;
        return (low | (((qh >> (2 * run)) & 3) << 4)) - 32;
    }

    @Override
    InterleavedQ6K over(MemorySegment data, int groups) {
        return new InterleavedQ6K(data, groups, BLOCK * blocks);
    }

    /** Vector API calls written out, not through {@link Wide}: see {@link InterleavedKQuant}. */
    @Override
    public void dequantizeGroup(int g, float[] tile) {
        long go = g * (long) blocks * BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            for (int h = 0; h < G; h += Wide.L) {
                FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
                for (int t = 0; t < 16; t++) {
                    FloatVector sc = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, bo + SC + 16 * t + h, Vec.LE)
                            .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d);
                    long q = bo + QS + 16L * 16 * t + h;
                    int o = G * (256 * b + 16 * t) + h;
                    for (int j = 0; j < 16; j++) {
                        ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q + 16L * j, Vec.LE)
                                .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(sc).intoArray(tile, o + G * j);
                    }
                }
            }
        }
    }

    /** Per scale group and column, one broadcast activation meets the quants of all four units (Vector API calls written out: see {@link InterleavedKQuant}). */
    @Override
    void quadBlock(long b0, long b1, long b2, long b3, int h, float[] x, int xo, float[] sums, int so,
                   float[] out, int o0, int o1, int o2, int o3) {
        FloatVector s0 = FloatVector.zero(Wide.F), s1 = s0, s2 = s0, s3 = s0;
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        // one flat loop over the block's 256 columns, each 16-column scale group closed in a branch:
        // a nested loop paid the segment loads' bounds-check strip (about 25 instructions a load,
        // docs/kernels-performance.md) every 16 columns
        FloatVector a0 = FloatVector.zero(Wide.F), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < BLOCK; j++) {
            FloatVector y = FloatVector.broadcast(Wide.F, x[xo + j]);
            long c = 16L * j;
            a0 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + c, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a0);
            a1 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + c, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a1);
            a2 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + c, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a2);
            a3 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + c, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a3);
            if ((j & 15) != 15) continue;
            int t = j >> 4;
            s0 = a0.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + SC + 16 * t, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s0);
            s1 = a1.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + SC + 16 * t + h, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s1);
            s2 = a2.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + SC + 16 * t, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s2);
            s3 = a3.fma(((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + SC + 16 * t + h, Vec.LE)
                    .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)), s3);
            a0 = FloatVector.zero(Wide.F); a1 = a0; a2 = a0; a3 = a0;
        }
        s0.fma(FloatVector.fromMemorySegment(Wide.F, data, b0 + D, Vec.LE), FloatVector.fromArray(Wide.F, out, o0)).intoArray(out, o0);
        s1.fma(FloatVector.fromMemorySegment(Wide.F, data, b1 + D + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o1)).intoArray(out, o1);
        s2.fma(FloatVector.fromMemorySegment(Wide.F, data, b2 + D, Vec.LE), FloatVector.fromArray(Wide.F, out, o2)).intoArray(out, o2);
        s3.fma(FloatVector.fromMemorySegment(Wide.F, data, b3 + D + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o3)).intoArray(out, o3);
    }

    /** Scale groups of 16 columns: {@link InterleavedKQuant#byteQuantsOct}. */
    @Override
    void octBlock(long b0, long b1, long b2, long b3, int h, float[] x, int xo, float[] sums, int so, float[] out, int o) {
        byteQuantsOct(data, b0, b1, b2, b3, h, QS, SC, 0, x, xo, out, o);
    }

    /**
     * Two tokens: per scale group and column, each unit's quants converted once and multiplied with
     * both tokens' broadcast activations; per scale group, the sums times the rows' scales and d
     * added to {@code acc} (Vector API calls written out: see {@link InterleavedKQuant}).
     */
    @Override
    void quadBlock2(long b0, long b1, long b2, long b3, int h, float[] x, int xa, int xb, float[] acc) {
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        FloatVector d0 = FloatVector.fromMemorySegment(Wide.F, data, b0 + D, Vec.LE), d1 = FloatVector.fromMemorySegment(Wide.F, data, b1 + D + 4L * h, Vec.LE);
        FloatVector d2 = FloatVector.fromMemorySegment(Wide.F, data, b2 + D, Vec.LE), d3 = FloatVector.fromMemorySegment(Wide.F, data, b3 + D + 4L * h, Vec.LE);
        int l = Wide.L;
        for (int t = 0; t < 16; t++) {
            FloatVector a0 = FloatVector.zero(Wide.F), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            for (int j = 0; j < 16; j++) {
                FloatVector ya = FloatVector.broadcast(Wide.F, x[xa + 16 * t + j]), yb = FloatVector.broadcast(Wide.F, x[xb + 16 * t + j]);
                long c = 16L * (16 * t + j);
                FloatVector v = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
                a0 = v.fma(ya, a0);
                c0 = v.fma(yb, c0);
                v = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
                a1 = v.fma(ya, a1);
                c1 = v.fma(yb, c1);
                v = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
                a2 = v.fma(ya, a2);
                c2 = v.fma(yb, c2);
                v = (FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0);
                a3 = v.fma(ya, a3);
                c3 = v.fma(yb, c3);
            }
            FloatVector s = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b0 + SC + 16 * t, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d0);
            a0.fma(s, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
            c0.fma(s, FloatVector.fromArray(Wide.F, acc, l)).intoArray(acc, l);
            s = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b1 + SC + 16 * t + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d1);
            a1.fma(s, FloatVector.fromArray(Wide.F, acc, 2 * l)).intoArray(acc, 2 * l);
            c1.fma(s, FloatVector.fromArray(Wide.F, acc, 3 * l)).intoArray(acc, 3 * l);
            s = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b2 + SC + 16 * t, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d2);
            a2.fma(s, FloatVector.fromArray(Wide.F, acc, 4 * l)).intoArray(acc, 4 * l);
            c2.fma(s, FloatVector.fromArray(Wide.F, acc, 5 * l)).intoArray(acc, 5 * l);
            s = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, b3 + SC + 16 * t + h, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d3);
            a3.fma(s, FloatVector.fromArray(Wide.F, acc, 6 * l)).intoArray(acc, 6 * l);
            c3.fma(s, FloatVector.fromArray(Wide.F, acc, 7 * l)).intoArray(acc, 7 * l);
        }
    }

    /** {@link InterleavedKQuant#blockDot} (no min terms: {@code sums} unused). */
    @Override
    void blockDot(long bo, int h, float[] x, int xo, float[] sums, int so, float[] out, int o) {
        FloatVector sum = Wide.zero();
        for (int t = 0; t < 16; t++) {
            // scale group t: 16 columns, quants of column j at q + 16*j
            long q = bo + QS + 16L * 16 * t + h;
            int xt = xo + 16 * t;
            FloatVector s0 = Wide.zero(), s1 = s0;
            for (int j = 0; j < 16; j += 2) {
                s0 = Wide.toFloat(Wide.s8(data, q + 16L * j)).fma(FloatVector.broadcast(Wide.F, x[xt + j]), s0);
                s1 = Wide.toFloat(Wide.s8(data, q + 16L * (j + 1))).fma(FloatVector.broadcast(Wide.F, x[xt + j + 1]), s1);
            }
            sum = s0.add(s1).fma(Wide.toFloat(Wide.s8(data, bo + SC + 16 * t + h)), sum);
        }
        sum.fma(FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE), FloatVector.fromArray(Wide.F, out, o)).intoArray(out, o);
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
            int xb = 256 * b;
            for (int t = 0; t < 16; t++) scaleGroup4x2(ga + bo, gb + bo, t, x, x0 + xb + 16 * t, x1 + xb + 16 * t, x2 + xb + 16 * t, x3 + xb + 16 * t, acc);
        }
    }

    /**
     * Scale group t (16 columns) of a block of two groups for 4 tokens: per column one vector of
     * each group's 16 rows, each token's broadcast activation feeding one FMA per group (with one
     * group, a broadcast per FMA held the 4-token kernel well under the FMA units' rate).
     */
    private void scaleGroup4x2(long ba, long bb, int t, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        long qa = ba + QS + 16L * 16 * t, qb = bb + QS + 16L * 16 * t;
        FloatVector a0 = Wide.zero(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int j = 0; j < 16; j++) {
            FloatVector va = Wide.toFloat(Wide.s8(data, qa + 16L * j)), vb = Wide.toFloat(Wide.s8(data, qb + 16L * j));
            FloatVector y = FloatVector.broadcast(Wide.F, x[x0 + j]);
            a0 = va.fma(y, a0); b0 = vb.fma(y, b0);
            y = FloatVector.broadcast(Wide.F, x[x1 + j]);
            a1 = va.fma(y, a1); b1 = vb.fma(y, b1);
            y = FloatVector.broadcast(Wide.F, x[x2 + j]);
            a2 = va.fma(y, a2); b2 = vb.fma(y, b2);
            y = FloatVector.broadcast(Wide.F, x[x3 + j]);
            a3 = va.fma(y, a3); b3 = vb.fma(y, b3);
        }
        FloatVector sa = Wide.toFloat(Wide.s8(data, ba + SC + 16 * t)).mul(FloatVector.fromMemorySegment(Wide.F, data, ba + D, Vec.LE));
        FloatVector sb = Wide.toFloat(Wide.s8(data, bb + SC + 16 * t)).mul(FloatVector.fromMemorySegment(Wide.F, data, bb + D, Vec.LE));
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
            int xb = 256 * b;
            for (int t = 0; t < 16; t += 2) pair4(bo, t, h, x, x0 + xb + 16 * t, x1 + xb + 16 * t, x2 + xb + 16 * t, x3 + xb + 16 * t, acc);
        }
    }

    /**
     * Scale groups t and t+1 (32 columns) of a block for 4 tokens: each column's quants converted
     * to floats once and multiplied with the 4 tokens' activations; the sums, times d times the
     * groups' scales, go to {@code acc}.
     */
    private void pair4(long bo, int t, int h, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        long q = bo + QS + 16L * 16 * t + h;
        FloatVector a0 = Wide.zero(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int j = 0; j < 16; j++) {
            FloatVector v = Wide.toFloat(Wide.s8(data, q + 16L * j)), w = Wide.toFloat(Wide.s8(data, q + 16L * (16 + j)));
            a0 = v.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), a0);
            a1 = v.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), a1);
            a2 = v.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), a2);
            a3 = v.fma(FloatVector.broadcast(Wide.F, x[x3 + j]), a3);
            b0 = w.fma(FloatVector.broadcast(Wide.F, x[x0 + 16 + j]), b0);
            b1 = w.fma(FloatVector.broadcast(Wide.F, x[x1 + 16 + j]), b1);
            b2 = w.fma(FloatVector.broadcast(Wide.F, x[x2 + 16 + j]), b2);
            b3 = w.fma(FloatVector.broadcast(Wide.F, x[x3 + 16 + j]), b3);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector sa = Wide.toFloat(Wide.s8(data, bo + SC + 16 * t + h)).mul(d);
        FloatVector sb = Wide.toFloat(Wide.s8(data, bo + SC + 16 * (t + 1) + h)).mul(d);
        a0.fma(sa, b0.fma(sb, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        a1.fma(sa, b1.fma(sb, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
        a2.fma(sa, b2.fma(sb, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L))).intoArray(acc, 2 * Wide.L);
        a3.fma(sa, b3.fma(sb, FloatVector.fromArray(Wide.F, acc, 3 * Wide.L))).intoArray(acc, 3 * Wide.L);
    }

    /** {@link #group4} for 3 tokens. */
    @Override
    void group3(long go, int h, float[] x, int x0, int x1, int x2, float[] sums, int s0, int s1, int s2, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b;
            for (int t = 0; t < 16; t += 2) pair3(bo, t, h, x, x0 + xb + 16 * t, x1 + xb + 16 * t, x2 + xb + 16 * t, acc);
        }
    }

    /** {@link #pair4} for 3 tokens. */
    private void pair3(long bo, int t, int h, float[] x, int x0, int x1, int x2, float[] acc) {
        long q = bo + QS + 16L * 16 * t + h;
        FloatVector a0 = Wide.zero(), a1 = a0, a2 = a0, b0 = a0, b1 = a0, b2 = a0;
        for (int j = 0; j < 16; j++) {
            FloatVector v = Wide.toFloat(Wide.s8(data, q + 16L * j)), w = Wide.toFloat(Wide.s8(data, q + 16L * (16 + j)));
            a0 = v.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), a0);
            a1 = v.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), a1);
            a2 = v.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), a2);
            b0 = w.fma(FloatVector.broadcast(Wide.F, x[x0 + 16 + j]), b0);
            b1 = w.fma(FloatVector.broadcast(Wide.F, x[x1 + 16 + j]), b1);
            b2 = w.fma(FloatVector.broadcast(Wide.F, x[x2 + 16 + j]), b2);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector sa = Wide.toFloat(Wide.s8(data, bo + SC + 16 * t + h)).mul(d);
        FloatVector sb = Wide.toFloat(Wide.s8(data, bo + SC + 16 * (t + 1) + h)).mul(d);
        a0.fma(sa, b0.fma(sb, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        a1.fma(sa, b1.fma(sb, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
        a2.fma(sa, b2.fma(sb, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L))).intoArray(acc, 2 * Wide.L);
    }

    /** {@link #group4} for 2 tokens. */
    @Override
    void group2(long go, int h, float[] x, int x0, int x1, float[] sums, int s0, int s1, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b;
            for (int t = 0; t < 16; t += 2) pair2(bo, t, h, x, x0 + xb + 16 * t, x1 + xb + 16 * t, acc);
        }
    }

    /** {@link #pair4} for 2 tokens. */
    private void pair2(long bo, int t, int h, float[] x, int x0, int x1, float[] acc) {
        long q = bo + QS + 16L * 16 * t + h;
        FloatVector a0 = Wide.zero(), a1 = a0, b0 = a0, b1 = a0;
        for (int j = 0; j < 16; j++) {
            FloatVector v = Wide.toFloat(Wide.s8(data, q + 16L * j)), w = Wide.toFloat(Wide.s8(data, q + 16L * (16 + j)));
            a0 = v.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), a0);
            a1 = v.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), a1);
            b0 = w.fma(FloatVector.broadcast(Wide.F, x[x0 + 16 + j]), b0);
            b1 = w.fma(FloatVector.broadcast(Wide.F, x[x1 + 16 + j]), b1);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
        FloatVector sa = Wide.toFloat(Wide.s8(data, bo + SC + 16 * t + h)).mul(d);
        FloatVector sb = Wide.toFloat(Wide.s8(data, bo + SC + 16 * (t + 1) + h)).mul(d);
        a0.fma(sa, b0.fma(sb, FloatVector.fromArray(Wide.F, acc, 0))).intoArray(acc, 0);
        a1.fma(sa, b1.fma(sb, FloatVector.fromArray(Wide.F, acc, Wide.L))).intoArray(acc, Wide.L);
    }

    @Override
    public void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff) {
        groupsQ8(g0, g1, a, aOff, out, outOff, false);
    }

    /** Scale groups of 16 columns: {@link InterleavedKQuant#byteQuantsBlockQ8}. */
    @Override
    void blockQ8(long bo, Q8Activations a, int col, float[] out, int o) {
        byteQuantsBlockQ8(data, bo, QS, SC, 0, a, col, out, o);
    }

    @Override
    void quadQ8(long b0, long b1, long b2, long b3, Q8Activations a, int col, float[] out, int o0, int o1, int o2, int o3) {
        byteQuantsQuadQ8(data, b0, b1, b2, b3, QS, SC, 0, a, col, out, o0, o1, o2, o3);
    }

    /**
     * On 512-bit vectors (one token at a time). There the 8-bit kernel's loop spends half the
     * vector operations per weight (3 per 32 weights against 3 per 16) and reads the expanded bytes
     * faster. On an AMD EPYC Zen 5 VM, 2 threads, products of 55-110 MB (Q6_K file bytes, past
     * the L3 cache), f32 and q8 in one process (MatMulThroughput): 0.99-1.54x, median 1.19x in
     * 7 runs; with the activation vectors built in registers ({@link Q8Activations#pairs}) 41-44
     * against 27-32 GB/s of file bytes. Decoding the slice with
     * {@code auto} against {@code f32}: 1.05-1.09x (the Q6_K head is a third of a decode step).
     * On 256-bit vectors it lost there (0.87-0.91x), and on an Intel Xeon VM it was level at
     * 512 bits (22.8 against 21.7 GB/s, before the register-built activations).
     */
    @Override
    public boolean eightBitFaster() {
        return Wide.L == G;
    }
}
