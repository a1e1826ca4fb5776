package dev.flash4j.core;

import jdk.incubator.vector.FloatVector;

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
 * once, and subtracts the mins times the sub-block's activation sum. No 8-bit kernel: Q5_K has
 * none, so {@link ActivationPrecision#Q8} uses this float kernel.
 */
final class InterleavedQ5K implements InterleavedRows {
    static final int BLOCK_BYTES = 64 + 64 + 128 + 128 + 4096;
    private static final int D = 0, DMIN = 64, SC = 128, MN = 256, QS = 384;
    private static final int G = GROUP;

    private final MemorySegment data;
    private final int groups, blocks;

    private InterleavedQ5K(MemorySegment data, int groups, int blocks) {
        this.data = data;
        this.groups = groups;
        this.blocks = blocks;
    }

    /** Bytes of {@code groups} packed groups of {@code cols} columns. */
    static long bytes(int groups, int cols) {
        return (long) groups * (cols / Q5KFormat.BLOCK) * BLOCK_BYTES;
    }

    /** Groups already packed in {@code data} ({@link #bytes} long). */
    static InterleavedQ5K view(MemorySegment data, int groups, int cols) {
        return new InterleavedQ5K(data, groups, cols / Q5KFormat.BLOCK);
    }

    /** Packs the whole groups of {@code src}'s rows into {@code dst} ({@link #bytes} long). */
    static InterleavedQ5K pack(MemorySegment src, long rowBytes, int groups, int cols, MemorySegment dst, WorkerPool pool) {
        int nb = cols / Q5KFormat.BLOCK;
        InterleavedRows.packGroups(src, rowBytes, groups, (long) nb * BLOCK_BYTES, dst, pool, (rows, out) -> {
            for (int i = 0; i < G; i++) {
                for (int b = 0; b < nb; b++) {
                    long p = i * rowBytes + (long) b * Q5KFormat.BYTES;
                    long o = (long) b * BLOCK_BYTES;
                    out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + D + 4L * i, Le.f16(rows, p));
                    out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, o + DMIN + 4L * i, Le.f16(rows, p + 2));
                    for (int s = 0; s < 8; s++) {
                        out.set(ValueLayout.JAVA_BYTE, o + SC + 16 * s + i, (byte) KScales.scale(rows, p + 4, s));
                        out.set(ValueLayout.JAVA_BYTE, o + MN + 16 * s + i, (byte) KScales.min(rows, p + 4, s));
                    }
                    for (int c = 0; c < 256; c++) out.set(ValueLayout.JAVA_BYTE, o + QS + 16L * c + i, (byte) quant(rows, p, c));
                }
            }
        });
        return new InterleavedQ5K(dst, groups, nb);
    }

    /** Quant 0..31 of column {@code c} of the Q5_K block at {@code p} (layout in {@link Q5KFormat}). */
    private static int quant(MemorySegment src, long p, int c) {
        int chunk = c / 64, l = c % 32, s = c / 32;
        int q = Le.u8(src, p + 48 + 32 * chunk + l);
        int low = (c % 64) < 32 ? q & 0xF : q >> 4;
        return low | (((Le.u8(src, p + 16 + l) >> s) & 1) << 4);
    }

    @Override
    public int groups() { return groups; }

    @Override
    public boolean supportsQ8() { return false; }

    @Override
    public InterleavedRows slice(int first, int count) {
        long gb = (long) blocks * BLOCK_BYTES;
        return new InterleavedQ5K(data.asSlice(first * gb, count * gb), count, blocks);
    }

    @Override
    public void dequantizeGroup(int g, float[] tile) {
        long go = g * (long) blocks * BLOCK_BYTES;
        for (int b = 0; b < blocks; b++) {
            long bo = go + (long) b * BLOCK_BYTES;
            for (int h = 0; h < G; h += Wide.L) {
                FloatVector d = FloatVector.fromMemorySegment(Wide.F, data, bo + D + 4L * h, Vec.LE);
                FloatVector dmin = FloatVector.fromMemorySegment(Wide.F, data, bo + DMIN + 4L * h, Vec.LE);
                for (int s = 0; s < 8; s++) {
                    FloatVector sc = Wide.toFloat(Wide.u8(data, bo + SC + 16 * s + h)).mul(d);
                    FloatVector mn = Wide.toFloat(Wide.u8(data, bo + MN + 16 * s + h)).mul(dmin).neg();
                    long q = bo + QS + 16L * 32 * s + h;
                    int o = G * (256 * b + 32 * s) + h;
                    for (int j = 0; j < 32; j++) Wide.toFloat(Wide.u8(data, q + 16L * j)).fma(sc, mn).intoArray(tile, o + G * j);
                }
            }
        }
    }

    @Override
    public void dot(int g0, int g1, float[] x, int xOff, float[] sums, int sOff, float[] out, int outOff) {
        for (int g = g0; g < g1; g++) {
            long go = g * (long) blocks * BLOCK_BYTES;
            for (int h = 0; h < G; h += Wide.L) {
                int o = outOff + G * g + h;
                Wide.zero().intoArray(out, o);
                for (int b = 0; b < blocks; b++) blockDot(go + (long) b * BLOCK_BYTES, h, x, xOff + 256 * b, sums, sOff + 8 * b, out, o);
            }
        }
    }

    /**
     * One block of lanes {@code [h, h+L)}, added to {@code out[o ..]}. Takes and returns no vectors,
     * and calls no helper that returns one (see {@link InterleavedQ6K}'s blockDot).
     */
    private void blockDot(long bo, int h, float[] x, int xo, float[] sums, int so, float[] out, int o) {
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

    @Override
    public void dotQ8(int g0, int g1, Q8Activations a, int aOff, float[] out, int outOff) {
        throw new UnsupportedOperationException("Q5_K has no 8-bit activation kernel");
    }
}
