package dev.flash4j.core;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q8_0 rows interleaved in groups of 16 ({@link InterleavedRows}), eight Q8_0 blocks (256 columns)
 * to a block of the copy. Per group and 256-column block, {@link #BLOCK_BYTES} bytes, eight chunks
 * of 32 columns (sub-block s at {@code 576*s}):
 * <pre>
 *   [0, 64)       d of sub-block s (columns 32s .. 32s+31) of row i at 4*i, f32
 *   [64, 576)     quants: column 32s + j of row i at 64 + 16*j + i (signed byte, as in the file)
 * </pre>
 * Each sub-block's d sits just before its quants, so a kernel reading it after them reads a line
 * it has just passed: with all eight at the block's start (up to 4 KB behind the quants), two
 * threads streamed a 134 MB matrix at 37-38 GB/s, chunked at 52-55 (Zen 5; kernels-performance.md,
 * "Scales next to their quants").
 * The same shape as {@link InterleavedQ5K} without scales and mins: per sub-block the kernels sum
 * {@code q*x} over its 32 columns and multiply the sum once by the rows' d. Only matrices of whole
 * 256-column blocks get a copy ({@link #fits}); the others keep the row kernels. Why a copy at all:
 * the row kernel handles one row at a time with a scalar f16 scale per 32 values, and decoded
 * attention's key and value projections ran at 10 GB/s through it, half the rate of the
 * interleaved kernels.
 */
final class InterleavedQ8_0 extends InterleavedKQuant {
    /** Bytes of a 32-column chunk (the rows' d of one Q8_0 block, then its quants), and the quants' offset in it. */
    private static final int CHUNK = 64 + 512, QS = 64;
    static final int BLOCK_BYTES = 8 * CHUNK;
    private static final int G = GROUP;
    /** Q8_0 blocks per block of the copy. */
    private static final int SUBS = BLOCK / Q8_0Format.BLOCK;

    private InterleavedQ8_0(MemorySegment data, int groups, int cols) {
        super(data, groups, cols, BLOCK_BYTES, false);
    }

    /** Whether rows of {@code cols} columns have an interleaved layout: whole blocks of 256 columns. */
    static boolean fits(int cols) {
        return cols % BLOCK == 0;
    }

    /** Bytes of {@code groups} packed groups of {@code cols} columns ({@link #fits}). */
    static long bytes(int groups, int cols) {
        return (long) groups * (cols / BLOCK) * BLOCK_BYTES;
    }

    /** Groups already packed in {@code data} ({@link #bytes} long). */
    static InterleavedQ8_0 view(MemorySegment data, int groups, int cols) {
        return new InterleavedQ8_0(data, groups, cols);
    }

    /** Packs the whole groups of {@code src}'s rows into {@code dst} ({@link #bytes} long). */
    static InterleavedQ8_0 pack(MemorySegment src, long rowBytes, int groups, int cols, MemorySegment dst, WorkerPool pool) {
        packBlocks(src, rowBytes, groups, cols, SUBS * Q8_0Format.BYTES, BLOCK_BYTES, dst, pool, (rows, p, i, out, o) -> {
            for (int s = 0; s < SUBS; s++) {
                long sp = p + (long) s * Q8_0Format.BYTES;
                out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + CHUNK * s + 4L * i, Le.f16(rows, sp));
                for (int j = 0; j < 32; j++) out.set(ValueLayout.JAVA_BYTE, o + CHUNK * s + QS + 16L * j + i, rows.get(ValueLayout.JAVA_BYTE, sp + 2 + j));
            }
        });
        return new InterleavedQ8_0(dst, groups, cols);
    }

    @Override
    InterleavedQ8_0 over(MemorySegment data, int groups) {
        return new InterleavedQ8_0(data, groups, BLOCK * blocks);
    }

    /** Vector API calls written out, not through {@link Wide}: see {@link InterleavedKQuant}. */
    @Override
    public void dequantizeGroup(int g, float[] tile) {
        long go = g * (long) blocks * BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            for (int h = 0; h < G; h += Wide.L) {
                for (int s = 0; s < SUBS; s++) {
                    FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * s + 4L * h, Vec.LE);
                    long q = bo + (long) CHUNK * s + QS + h;
                    int o = G * (256 * b + 32 * s) + h;
                    for (int j = 0; j < 32; j++) {
                        ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q + 16L * j, Vec.LE)
                                .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).mul(d).intoArray(tile, o + G * j);
                    }
                }
            }
        }
    }

    /** Per sub-block and column, one broadcast activation meets the quants of all four units (Vector API calls written out: see {@link InterleavedKQuant}). */
    @Override
    void quadBlock(long b0, long b1, long b2, long b3, int h, float[] x, int xo, float[] sums, int so,
                   float[] out, int o0, int o1, int o2, int o3) {
        FloatVector s0 = FloatVector.zero(Wide.F), s1 = s0, s2 = s0, s3 = s0;
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        for (int s = 0; s < SUBS; s++) {
            FloatVector a0 = FloatVector.zero(Wide.F), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < 32; j++) {
                FloatVector y = FloatVector.broadcast(Wide.F, x[xo + 32 * s + j]);
                long c = (long) CHUNK * s + 16L * j;
                a0 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + c, Vec.LE)
                        .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a0);
                a1 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + c, Vec.LE)
                        .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a1);
                a2 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + c, Vec.LE)
                        .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a2);
                a3 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + c, Vec.LE)
                        .convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a3);
            }
            int d = CHUNK * s;
            s0 = a0.fma(FloatVector.fromMemorySegment(Wide.F, data, b0 + d, Vec.LE), s0);
            s1 = a1.fma(FloatVector.fromMemorySegment(Wide.F, data, b1 + d + 4L * h, Vec.LE), s1);
            s2 = a2.fma(FloatVector.fromMemorySegment(Wide.F, data, b2 + d, Vec.LE), s2);
            s3 = a3.fma(FloatVector.fromMemorySegment(Wide.F, data, b3 + d + 4L * h, Vec.LE), s3);
        }
        s0.add(FloatVector.fromArray(Wide.F, out, o0)).intoArray(out, o0);
        s1.add(FloatVector.fromArray(Wide.F, out, o1)).intoArray(out, o1);
        s2.add(FloatVector.fromArray(Wide.F, out, o2)).intoArray(out, o2);
        s3.add(FloatVector.fromArray(Wide.F, out, o3)).intoArray(out, o3);
    }

    /**
     * {@link #quadBlock} for both halves of four groups (256-bit vectors): per 32-column block and column, one broadcast activation meets the quants of all eight (Vector API calls written out: see {@link InterleavedKQuant}).
     */
    @Override
    void octBlock(long b0, long b1, long b2, long b3, int h,
                  float[] x, int xo, float[] sums, int so, float[] out, int o) {
        FloatVector s0 = FloatVector.zero(Wide.F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int s = 0; s < SUBS; s++) {
            long c0 = (long) CHUNK * s;
            long q0 = b0 + QS + c0, q1 = b0 + QS + h + c0, q2 = b1 + QS + c0, q3 = b1 + QS + h + c0, q4 = b2 + QS + c0, q5 = b2 + QS + h + c0, q6 = b3 + QS + c0, q7 = b3 + QS + h + c0;
            FloatVector a0 = FloatVector.zero(Wide.F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int j = 0; j < 32; j++) {
                FloatVector y = FloatVector.broadcast(Wide.F, x[xo + 32 * s + j]);
                long c = 16L * j;
                a0 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q0 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a0);
                a1 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q1 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a1);
                a2 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q2 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a2);
                a3 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q3 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a3);
                a4 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q4 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a4);
                a5 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q5 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a5);
                a6 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q6 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a6);
                a7 = ((FloatVector) ByteVector.fromMemorySegment(Wide.B, data, q7 + c, Vec.LE).convertShape(VectorOperators.B2I, Wide.I, 0).convert(VectorOperators.I2F, 0)).fma(y, a7);
            }
            s0 = a0.fma(FloatVector.fromMemorySegment(Wide.F, data, b0 + CHUNK * s, Vec.LE), s0);
            s1 = a1.fma(FloatVector.fromMemorySegment(Wide.F, data, b0 + CHUNK * s + 4L * h, Vec.LE), s1);
            s2 = a2.fma(FloatVector.fromMemorySegment(Wide.F, data, b1 + CHUNK * s, Vec.LE), s2);
            s3 = a3.fma(FloatVector.fromMemorySegment(Wide.F, data, b1 + CHUNK * s + 4L * h, Vec.LE), s3);
            s4 = a4.fma(FloatVector.fromMemorySegment(Wide.F, data, b2 + CHUNK * s, Vec.LE), s4);
            s5 = a5.fma(FloatVector.fromMemorySegment(Wide.F, data, b2 + CHUNK * s + 4L * h, Vec.LE), s5);
            s6 = a6.fma(FloatVector.fromMemorySegment(Wide.F, data, b3 + CHUNK * s, Vec.LE), s6);
            s7 = a7.fma(FloatVector.fromMemorySegment(Wide.F, data, b3 + CHUNK * s + 4L * h, Vec.LE), s7);
        }
        int l = Wide.L;
        s0.add(FloatVector.fromArray(Wide.F, out, o)).intoArray(out, o);
        s1.add(FloatVector.fromArray(Wide.F, out, o + l)).intoArray(out, o + l);
        s2.add(FloatVector.fromArray(Wide.F, out, o + 2 * l)).intoArray(out, o + 2 * l);
        s3.add(FloatVector.fromArray(Wide.F, out, o + 3 * l)).intoArray(out, o + 3 * l);
        s4.add(FloatVector.fromArray(Wide.F, out, o + 4 * l)).intoArray(out, o + 4 * l);
        s5.add(FloatVector.fromArray(Wide.F, out, o + 5 * l)).intoArray(out, o + 5 * l);
        s6.add(FloatVector.fromArray(Wide.F, out, o + 6 * l)).intoArray(out, o + 6 * l);
        s7.add(FloatVector.fromArray(Wide.F, out, o + 7 * l)).intoArray(out, o + 7 * l);
    }

    /**
     * Two tokens: per sub-block and column, each unit's quants converted once and multiplied with
     * both tokens' broadcast activations; per sub-block, the sums times the rows' d added to
     * {@code acc} (Vector API calls written out: see {@link InterleavedKQuant}).
     */
    @Override
    void quadBlock2(long b0, long b1, long b2, long b3, int h, float[] x, int xa, int xb, float[] acc) {
        long q0 = b0 + QS, q1 = b1 + QS + h, q2 = b2 + QS, q3 = b3 + QS + h;
        int l = Wide.L;
        for (int s = 0; s < SUBS; s++) {
            FloatVector a0 = FloatVector.zero(Wide.F), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            for (int j = 0; j < 32; j++) {
                FloatVector ya = FloatVector.broadcast(Wide.F, x[xa + 32 * s + j]), yb = FloatVector.broadcast(Wide.F, x[xb + 32 * s + j]);
                long c = (long) CHUNK * s + 16L * j;
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
            int d = CHUNK * s;
            FloatVector sd = FloatVector.fromMemorySegment(Wide.F, data, b0 + d, Vec.LE);
            a0.fma(sd, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
            c0.fma(sd, FloatVector.fromArray(Wide.F, acc, l)).intoArray(acc, l);
            sd = FloatVector.fromMemorySegment(Wide.F, data, b1 + d + 4L * h, Vec.LE);
            a1.fma(sd, FloatVector.fromArray(Wide.F, acc, 2 * l)).intoArray(acc, 2 * l);
            c1.fma(sd, FloatVector.fromArray(Wide.F, acc, 3 * l)).intoArray(acc, 3 * l);
            sd = FloatVector.fromMemorySegment(Wide.F, data, b2 + d, Vec.LE);
            a2.fma(sd, FloatVector.fromArray(Wide.F, acc, 4 * l)).intoArray(acc, 4 * l);
            c2.fma(sd, FloatVector.fromArray(Wide.F, acc, 5 * l)).intoArray(acc, 5 * l);
            sd = FloatVector.fromMemorySegment(Wide.F, data, b3 + d + 4L * h, Vec.LE);
            a3.fma(sd, FloatVector.fromArray(Wide.F, acc, 6 * l)).intoArray(acc, 6 * l);
            c3.fma(sd, FloatVector.fromArray(Wide.F, acc, 7 * l)).intoArray(acc, 7 * l);
        }
    }

    /** {@link InterleavedKQuant#blockDot} (no min terms: {@code sums} unused). */
    @Override
    void blockDot(long bo, int h, float[] x, int xo, float[] sums, int so, float[] out, int o) {
        FloatVector sum = Wide.zero();
        for (int s = 0; s < SUBS; s++) {
            long q = bo + (long) CHUNK * s + QS + h;
            int xs = xo + 32 * s;
            FloatVector s0 = Wide.zero(), s1 = s0;
            for (int j = 0; j < 32; j += 2) {
                s0 = Wide.toFloat(Wide.s8(data, q + 16L * j)).fma(FloatVector.broadcast(Wide.F, x[xs + j]), s0);
                s1 = Wide.toFloat(Wide.s8(data, q + 16L * (j + 1))).fma(FloatVector.broadcast(Wide.F, x[xs + j + 1]), s1);
            }
            sum = s0.add(s1).fma(FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * s + 4L * h, Vec.LE), sum);
        }
        sum.add(FloatVector.fromArray(Wide.F, out, o)).intoArray(out, o);
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
            for (int s = 0; s < SUBS; s++) sub4x2(ga + bo, gb + bo, s, x, x0 + xb + 32 * s, x1 + xb + 32 * s, x2 + xb + 32 * s, x3 + xb + 32 * s, acc);
        }
    }

    /** Sub-block s of a block of two groups for 4 tokens (see {@link InterleavedQ5K}'s {@code sub4x2}). */
    private void sub4x2(long ba, long bb, int s, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        long qa = ba + (long) CHUNK * s + QS, qb = bb + (long) CHUNK * s + QS;
        FloatVector a0 = Wide.zero(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int j = 0; j < 32; j++) {
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
        FloatVector da = FloatVector.fromMemorySegment(Wide.F, data, ba + CHUNK * s, Vec.LE);
        FloatVector db = FloatVector.fromMemorySegment(Wide.F, data, bb + CHUNK * s, Vec.LE);
        int l = Wide.L;
        a0.fma(da, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
        a1.fma(da, FloatVector.fromArray(Wide.F, acc, l)).intoArray(acc, l);
        a2.fma(da, FloatVector.fromArray(Wide.F, acc, 2 * l)).intoArray(acc, 2 * l);
        a3.fma(da, FloatVector.fromArray(Wide.F, acc, 3 * l)).intoArray(acc, 3 * l);
        b0.fma(db, FloatVector.fromArray(Wide.F, acc, 4 * l)).intoArray(acc, 4 * l);
        b1.fma(db, FloatVector.fromArray(Wide.F, acc, 5 * l)).intoArray(acc, 5 * l);
        b2.fma(db, FloatVector.fromArray(Wide.F, acc, 6 * l)).intoArray(acc, 6 * l);
        b3.fma(db, FloatVector.fromArray(Wide.F, acc, 7 * l)).intoArray(acc, 7 * l);
    }

    /** Lanes {@code [h, h+L)} of the group at {@code go} for 4 tokens, into {@code acc}. */
    @Override
    void group4(long go, int h, float[] x, int x0, int x1, int x2, int x3, float[] sums, int s0, int s1, int s2, int s3, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b;
            for (int s = 0; s < SUBS; s++) sub4(bo, s, h, x, x0 + xb + 32 * s, x1 + xb + 32 * s, x2 + xb + 32 * s, x3 + xb + 32 * s, acc);
        }
    }

    /** Sub-block s of a block for 4 tokens: each column's quants converted once, the sums times d into {@code acc}. */
    private void sub4(long bo, int s, int h, float[] x, int x0, int x1, int x2, int x3, float[] acc) {
        long q = bo + (long) CHUNK * s + QS + h;
        FloatVector a0 = Wide.zero(), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < 32; j++) {
            FloatVector v = Wide.toFloat(Wide.s8(data, q + 16L * j));
            a0 = v.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), a0);
            a1 = v.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), a1);
            a2 = v.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), a2);
            a3 = v.fma(FloatVector.broadcast(Wide.F, x[x3 + j]), a3);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * s + 4L * h, Vec.LE);
        a0.fma(d, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
        a1.fma(d, FloatVector.fromArray(Wide.F, acc, Wide.L)).intoArray(acc, Wide.L);
        a2.fma(d, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L)).intoArray(acc, 2 * Wide.L);
        a3.fma(d, FloatVector.fromArray(Wide.F, acc, 3 * Wide.L)).intoArray(acc, 3 * Wide.L);
    }

    /** {@link #group4} for 3 tokens. */
    @Override
    void group3(long go, int h, float[] x, int x0, int x1, int x2, float[] sums, int s0, int s1, int s2, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b;
            for (int s = 0; s < SUBS; s++) sub3(bo, s, h, x, x0 + xb + 32 * s, x1 + xb + 32 * s, x2 + xb + 32 * s, acc);
        }
    }

    /** {@link #sub4} for 3 tokens. */
    private void sub3(long bo, int s, int h, float[] x, int x0, int x1, int x2, float[] acc) {
        long q = bo + (long) CHUNK * s + QS + h;
        FloatVector a0 = Wide.zero(), a1 = a0, a2 = a0;
        for (int j = 0; j < 32; j++) {
            FloatVector v = Wide.toFloat(Wide.s8(data, q + 16L * j));
            a0 = v.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), a0);
            a1 = v.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), a1);
            a2 = v.fma(FloatVector.broadcast(Wide.F, x[x2 + j]), a2);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * s + 4L * h, Vec.LE);
        a0.fma(d, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
        a1.fma(d, FloatVector.fromArray(Wide.F, acc, Wide.L)).intoArray(acc, Wide.L);
        a2.fma(d, FloatVector.fromArray(Wide.F, acc, 2 * Wide.L)).intoArray(acc, 2 * Wide.L);
    }

    /** {@link #group4} for 2 tokens. */
    @Override
    void group2(long go, int h, float[] x, int x0, int x1, float[] sums, int s0, int s1, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            int xb = 256 * b;
            for (int s = 0; s < SUBS; s++) sub2(bo, s, h, x, x0 + xb + 32 * s, x1 + xb + 32 * s, acc);
        }
    }

    /** {@link #sub4} for 2 tokens (two accumulators each, for more FMAs in flight). */
    private void sub2(long bo, int s, int h, float[] x, int x0, int x1, float[] acc) {
        long q = bo + (long) CHUNK * s + QS + h;
        FloatVector a0 = Wide.zero(), a1 = a0, b0 = a0, b1 = a0;
        for (int j = 0; j < 32; j += 2) {
            FloatVector v = Wide.toFloat(Wide.s8(data, q + 16L * j)), w = Wide.toFloat(Wide.s8(data, q + 16L * (j + 1)));
            a0 = v.fma(FloatVector.broadcast(Wide.F, x[x0 + j]), a0);
            a1 = v.fma(FloatVector.broadcast(Wide.F, x[x1 + j]), a1);
            b0 = w.fma(FloatVector.broadcast(Wide.F, x[x0 + j + 1]), b0);
            b1 = w.fma(FloatVector.broadcast(Wide.F, x[x1 + j + 1]), b1);
        }
        FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * s + 4L * h, Vec.LE);
        a0.add(b0).fma(d, FloatVector.fromArray(Wide.F, acc, 0)).intoArray(acc, 0);
        a1.add(b1).fma(d, FloatVector.fromArray(Wide.F, acc, Wide.L)).intoArray(acc, Wide.L);
    }

    @Override
    public void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff) {
        groupsQ8(g0, g1, a, aOff, out, outOff, false);
    }

    /** Q8_0's 8-bit kernel reads {@link Q8Activations#rep16} at both widths. */
    @Override
    public boolean readsRep16() {
        return true;
    }

    /**
     * Block {@code bo} with 8-bit activations (activation column {@code col} the block's first),
     * added to {@code out[o .. o+16)}, on either vector width: per column, {@link Wide#L} quants
     * widened to shorts meet {@link Q8Activations#rep16} (the column's activation quant in every
     * lane), each product (at most 128*127, a short) widened to an int and summed over the
     * sub-block; the sum, times the rows' d and the activation block's d, goes to floats once. Two
     * products would overflow a short, hence no short sums as in the K-quant kernels.
     */
    @Override
    void blockQ8(long bo, Q8Activations a, int col, float[] out, int o) {
        short[] rep = a.rep16;
        for (int h = 0; h < G; h += Wide.L) {
            FloatVector acc = FloatVector.fromArray(Wide.F, out, o + h);
            for (int s = 0; s < SUBS; s++) {
                long q = bo + (long) CHUNK * s + QS + h;
                int r = 16 * (col + 32 * s) + h;
                IntVector sum = IntVector.zero(Wide.I);
                for (int j = 0; j < 32; j++) {
                    ShortVector p = ((ShortVector) ByteVector.fromMemorySegment(Wide.B, data, q + 16L * j, Vec.LE)
                            .convertShape(VectorOperators.B2S, Wide.SH, 0)).mul(ShortVector.fromArray(Wide.SH, rep, r + 16 * j));
                    sum = sum.add((IntVector) p.convertShape(VectorOperators.S2I, Wide.I, 0));
                }
                FloatVector scale = FloatVector.fromMemorySegment(Wide.F, data, bo + CHUNK * s + 4L * h, Vec.LE)
                        .mul(a.d[(col + 32 * s) / Q8Activations.BLOCK]);
                acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(scale, acc);
            }
            acc.intoArray(out, o + h);
        }
    }

    /**
     * {@link #blockQ8} for four groups, one after the other: with a widening per product, sharing
     * the activation loads between groups (as the K-quant kernels do) would save little, and the
     * 8-bit path reads Q8_0 only for attention's key and value projections.
     */
    @Override
    void quadQ8(long b0, long b1, long b2, long b3, Q8Activations a, int col, float[] out, int o0, int o1, int o2, int o3) {
        blockQ8(b0, a, col, out, o0);
        blockQ8(b1, a, col, out, o1);
        blockQ8(b2, a, col, out, o2);
        blockQ8(b3, a, col, out, o3);
    }
}
