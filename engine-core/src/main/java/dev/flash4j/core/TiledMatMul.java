package dev.flash4j.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batched products for prompt-sized batches, where arithmetic rather than memory is the limit:
 * each weight row is decoded to floats exactly once per call, then multiplied with every token.
 *
 * <p>Layout: a thread takes a range of output rows and walks it in tiles of {@link #TILE_ROWS}
 * rows. A tile is dequantized into a per-thread float scratch ({@code TILE_ROWS * cols} floats,
 * 256 KB for 4096 columns: stays in L2). Then for every group of 4 tokens, and within it every
 * group of 4 rows of the tile, {@link #dot4x4} forms the 16 dot products at once: per step of
 * {@code L} columns it loads 4 weight vectors and 4 token vectors and issues 16 independent FMAs,
 * so the loads are shared and the FMA units, not the loads, set the pace. The 4 tokens' vectors
 * are reused for all rows of the tile while they sit in L1/L2. Leftover rows and tokens (counts not
 * divisible by 4) go through narrower kernels over the same scratch.
 */
final class TiledMatMul {
    static final int TILE_ROWS = InterleavedRows.GROUP;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /** Per-thread dequantized tile, grown on demand; holds no state between calls. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][]);
    /** The second group's tile of {@link #groups} (per thread, grown on demand). */
    private static final ThreadLocal<float[][]> SCRATCH2 = ThreadLocal.withInitial(() -> new float[1][]);

    private TiledMatMul() {}

    /** Whether a {@code cols}-wide matrix can use these kernels (whole vectors per row). */
    static boolean fits(int cols) {
        return cols % L == 0;
    }

    /**
     * Rows {@code [start, end)} of {@code out[outOff + t*outStride + r] = dot(row r, x[xOffs[t] ..])}
     * for tokens {@code t < tokens}.
     */
    static void rows(WeightMatrix w, float[] x, int[] xOffs, int tokens, float[] out, int outOff, int outStride, int start, int end) {
        int cols = w.cols();
        float[] tile = scratch(TILE_ROWS * cols);
        for (int r0 = start; r0 < end; r0 += TILE_ROWS) {
            int nr = Math.min(TILE_ROWS, end - r0);
            for (int i = 0; i < nr; i++) w.dequantizeRow(r0 + i, tile, i * cols);
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                int x0 = xOffs[t], x1 = xOffs[t + 1], x2 = xOffs[t + 2], x3 = xOffs[t + 3];
                int o = outOff + t * outStride + r0;
                int i = 0;
                for (; i + 4 <= nr; i += 4) dot4x4(tile, i * cols, cols, x, x0, x1, x2, x3, out, o + i, outStride);
                for (; i < nr; i++) dot1x4(tile, i * cols, x, x0, x1, x2, x3, cols, out, o + i, outStride);
            }
            for (; t < tokens; t++) {
                int o = outOff + t * outStride + r0;
                int i = 0;
                for (; i + 4 <= nr; i += 4) dot4x1(tile, i * cols, cols, x, xOffs[t], out, o + i);
                for (; i < nr; i++) out[o + i] = Vec.dot(tile, i * cols, x, xOffs[t], cols);
            }
        }
    }

    /** A matrix seen as groups of 16 rows that can be written as a column-major float tile ({@link InterleavedRows}). */
    interface GroupTiles {
        /** Group {@code g} (rows {@code 16g .. 16g+15}) into {@code tile[16*c + i]} (column {@code c}, row {@code i}). */
        void dequantizeGroup(int g, float[] tile);
    }

    /**
     * Groups {@code [g0, g1)} of 16 rows: groups are dequantized two at a time (vectorized,
     * column-major: {@code tile[16*c + i]}), then multiplied with the tokens 8 at a time as outer
     * products: per column one vector of each group's 16 rows' weights times the broadcast
     * activation of each of the 8 tokens, into 16 accumulators that are the 16 outputs of each
     * token in each group. Each broadcast feeds two FMAs: with one group per pass the broadcasts
     * (which take a vector port like the FMAs) held the kernel at ~39 GFMA/s per thread; two
     * groups reach ~51 (Q4_K, 128 tokens, `MatMulThroughput`). The 8 tokens' activations come
     * interleaved ({@code blocks}, made once per product by {@link #interleaveTokens}); tokens
     * after the last whole block of 8 go 4 and 1 at a time from {@code x}. No horizontal sums at
     * all, and the dequantization is a small part of the work even for the ~10-token batches that
     * MoE experts see during prompt processing.
     */
    static void groups(GroupTiles src, int cols, float[] x, int[] xOffs, int tokens, float[] blocks, float[] out, int outOff, int outStride, int g0, int g1) {
        int g16 = InterleavedRows.GROUP;
        float[] tile = scratch(g16 * cols), tile2 = scratch2(g16 * cols);
        int g = g0;
        if (L == g16) {
            for (; g + 2 <= g1; g += 2) {
                src.dequantizeGroup(g, tile);
                src.dequantizeGroup(g + 1, tile2);
                int o = outOff + g * g16;
                int t = 0;
                for (; blocks != null && t + 8 <= tokens; t += 8) outer8x2(tile, tile2, cols, blocks, t * cols, t, out, o, outStride);
                for (; t + 4 <= tokens; t += 4) {
                    outer4(tile, cols, x, xOffs, t, out, o, outStride);
                    outer4(tile2, cols, x, xOffs, t, out, o + g16, outStride);
                }
                for (; t < tokens; t++) {
                    outer1(tile, cols, x, xOffs[t], out, o + t * outStride);
                    outer1(tile2, cols, x, xOffs[t], out, o + g16 + t * outStride);
                }
            }
        }
        for (; g < g1; g++) {
            src.dequantizeGroup(g, tile);
            int o = outOff + g * g16;
            int t = 0;
            for (; blocks != null && t + 8 <= tokens; t += 8) {
                if (L < g16) outer8Narrow(tile, cols, blocks, t * cols, t, out, o, outStride);
                else outer8(tile, cols, blocks, t * cols, t, out, o, outStride);
            }
            for (; t + 4 <= tokens; t += 4) outer4(tile, cols, x, xOffs, t, out, o, outStride);
            for (; t < tokens; t++) outer1(tile, cols, x, xOffs[t], out, o + t * outStride);
        }
    }

    /**
     * The activations of every whole block of 8 tokens interleaved, so that one column's 8 values
     * are adjacent: {@code blocks[b*cols + 8*c + j] = x[xOffs[b + j] + c]} for {@code b = 8k},
     * {@code k} in {@code [firstBlock, endBlock)} (a range, so that threads can share the work). The
     * outer-product kernel then addresses all 8 tokens from one base register; with 8 separate rows
     * C2 ran out of general registers and shuttled them through vector registers on the FMA ports
     * (4 {@code vmovq} per 16 FMAs).
     */
    static void interleaveTokens(float[] x, int[] xOffs, int firstBlock, int endBlock, int cols, float[] blocks) {
        for (int b = 8 * firstBlock; b < 8 * endBlock; b += 8) {
            int base = b * cols;
            int x0 = xOffs[b], x1 = xOffs[b + 1], x2 = xOffs[b + 2], x3 = xOffs[b + 3];
            int x4 = xOffs[b + 4], x5 = xOffs[b + 5], x6 = xOffs[b + 6], x7 = xOffs[b + 7];
            // written in order, read from 8 rows at once: 0.42 ms for 128 x 4096 (token-major order: 0.64-0.72)
            for (int c = 0; c < cols; c++) {
                int i = base + 8 * c;
                blocks[i] = x[x0 + c];
                blocks[i + 1] = x[x1 + c];
                blocks[i + 2] = x[x2 + c];
                blocks[i + 3] = x[x3 + c];
                blocks[i + 4] = x[x4 + c];
                blocks[i + 5] = x[x5 + c];
                blocks[i + 6] = x[x6 + c];
                blocks[i + 7] = x[x7 + c];
            }
        }
    }

    /**
     * Tokens {@code t .. t+7} (their interleaved activations at {@code blocks[xb ..]}, see
     * {@link #interleaveTokens}) against two 16-row column-major tiles (32 rows, {@code L == 16}):
     * token k's outputs of the first group to {@code out[o + (t+k)*ts ..]}, of the second 16 further.
     */
    private static void outer8x2(float[] ta, float[] tb, int cols, float[] blocks, int xb, int t, float[] out, int o, int ts) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (int c = 0; c < cols; c++) {
            FloatVector wa = FloatVector.fromArray(F, ta, 16 * c), wb = FloatVector.fromArray(F, tb, 16 * c);
            int i = xb + 8 * c;
            FloatVector v = FloatVector.broadcast(F, blocks[i]); a0 = wa.fma(v, a0); b0 = wb.fma(v, b0);
            v = FloatVector.broadcast(F, blocks[i + 1]); a1 = wa.fma(v, a1); b1 = wb.fma(v, b1);
            v = FloatVector.broadcast(F, blocks[i + 2]); a2 = wa.fma(v, a2); b2 = wb.fma(v, b2);
            v = FloatVector.broadcast(F, blocks[i + 3]); a3 = wa.fma(v, a3); b3 = wb.fma(v, b3);
            v = FloatVector.broadcast(F, blocks[i + 4]); a4 = wa.fma(v, a4); b4 = wb.fma(v, b4);
            v = FloatVector.broadcast(F, blocks[i + 5]); a5 = wa.fma(v, a5); b5 = wb.fma(v, b5);
            v = FloatVector.broadcast(F, blocks[i + 6]); a6 = wa.fma(v, a6); b6 = wb.fma(v, b6);
            v = FloatVector.broadcast(F, blocks[i + 7]); a7 = wa.fma(v, a7); b7 = wb.fma(v, b7);
        }
        int p = o + t * ts;
        a0.intoArray(out, p); a1.intoArray(out, p + ts); a2.intoArray(out, p + 2 * ts); a3.intoArray(out, p + 3 * ts);
        a4.intoArray(out, p + 4 * ts); a5.intoArray(out, p + 5 * ts); a6.intoArray(out, p + 6 * ts); a7.intoArray(out, p + 7 * ts);
        p += 16;
        b0.intoArray(out, p); b1.intoArray(out, p + ts); b2.intoArray(out, p + 2 * ts); b3.intoArray(out, p + 3 * ts);
        b4.intoArray(out, p + 4 * ts); b5.intoArray(out, p + 5 * ts); b6.intoArray(out, p + 6 * ts); b7.intoArray(out, p + 7 * ts);
    }

    /** Tokens {@code t .. t+7} (interleaved at {@code blocks[xb ..]}) against a 16-row column-major tile; token k's 16 outputs to {@code out[o + (t+k)*ts ..]}. */
    private static void outer8(float[] tile, int cols, float[] blocks, int xb, int t, float[] out, int o, int ts) {
        for (int h = 0; h < InterleavedRows.GROUP; h += L) {
            FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            for (int c = 0; c < cols; c++) {
                FloatVector w = FloatVector.fromArray(F, tile, InterleavedRows.GROUP * c + h);
                int i = xb + 8 * c;
                c0 = w.fma(FloatVector.broadcast(F, blocks[i]), c0);
                c1 = w.fma(FloatVector.broadcast(F, blocks[i + 1]), c1);
                c2 = w.fma(FloatVector.broadcast(F, blocks[i + 2]), c2);
                c3 = w.fma(FloatVector.broadcast(F, blocks[i + 3]), c3);
                c4 = w.fma(FloatVector.broadcast(F, blocks[i + 4]), c4);
                c5 = w.fma(FloatVector.broadcast(F, blocks[i + 5]), c5);
                c6 = w.fma(FloatVector.broadcast(F, blocks[i + 6]), c6);
                c7 = w.fma(FloatVector.broadcast(F, blocks[i + 7]), c7);
            }
            int p = o + t * ts + h;
            c0.intoArray(out, p); c1.intoArray(out, p + ts); c2.intoArray(out, p + 2 * ts); c3.intoArray(out, p + 3 * ts);
            c4.intoArray(out, p + 4 * ts); c5.intoArray(out, p + 5 * ts); c6.intoArray(out, p + 6 * ts); c7.intoArray(out, p + 7 * ts);
        }
    }

    /**
     * {@link #outer8} on 256-bit vectors: the 8 tokens in two passes of 4, each over both 8-row
     * halves of the tile (8 accumulators). Per column a pass loads the two halves and broadcasts 4
     * activations for 8 FMAs; {@link #outer8}'s pass per half broadcasts 8 for 8 FMAs, and the
     * broadcasts compete with the FMAs for issue. (8 tokens x both halves would need 16
     * accumulators plus 3 more registers: AVX2 has 16.)
     */
    private static void outer8Narrow(float[] tile, int cols, float[] blocks, int xb, int t, float[] out, int o, int ts) {
        int g = InterleavedRows.GROUP;
        for (int p = 0; p < 8; p += 4) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int c = 0; c < cols; c++) {
                FloatVector wa = FloatVector.fromArray(F, tile, g * c), wb = FloatVector.fromArray(F, tile, g * c + L);
                int i = xb + 8 * c + p;
                FloatVector v = FloatVector.broadcast(F, blocks[i]); a0 = wa.fma(v, a0); b0 = wb.fma(v, b0);
                v = FloatVector.broadcast(F, blocks[i + 1]); a1 = wa.fma(v, a1); b1 = wb.fma(v, b1);
                v = FloatVector.broadcast(F, blocks[i + 2]); a2 = wa.fma(v, a2); b2 = wb.fma(v, b2);
                v = FloatVector.broadcast(F, blocks[i + 3]); a3 = wa.fma(v, a3); b3 = wb.fma(v, b3);
            }
            int q = o + (t + p) * ts;
            a0.intoArray(out, q); a1.intoArray(out, q + ts); a2.intoArray(out, q + 2 * ts); a3.intoArray(out, q + 3 * ts);
            q += L;
            b0.intoArray(out, q); b1.intoArray(out, q + ts); b2.intoArray(out, q + 2 * ts); b3.intoArray(out, q + 3 * ts);
        }
    }

    /** Tokens {@code t .. t+3} against a 16-row column-major tile (see {@link #outer8}). */
    private static void outer4(float[] tile, int cols, float[] x, int[] xOffs, int t, float[] out, int o, int ts) {
        int x0 = xOffs[t], x1 = xOffs[t + 1], x2 = xOffs[t + 2], x3 = xOffs[t + 3];
        if (L < InterleavedRows.GROUP) { // 256-bit vectors: both halves in one pass, as in outer8Narrow
            int g = InterleavedRows.GROUP;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int c = 0; c < cols; c++) {
                FloatVector wa = FloatVector.fromArray(F, tile, g * c), wb = FloatVector.fromArray(F, tile, g * c + L);
                FloatVector v = FloatVector.broadcast(F, x[x0 + c]); a0 = wa.fma(v, a0); b0 = wb.fma(v, b0);
                v = FloatVector.broadcast(F, x[x1 + c]); a1 = wa.fma(v, a1); b1 = wb.fma(v, b1);
                v = FloatVector.broadcast(F, x[x2 + c]); a2 = wa.fma(v, a2); b2 = wb.fma(v, b2);
                v = FloatVector.broadcast(F, x[x3 + c]); a3 = wa.fma(v, a3); b3 = wb.fma(v, b3);
            }
            int q = o + t * ts;
            a0.intoArray(out, q); a1.intoArray(out, q + ts); a2.intoArray(out, q + 2 * ts); a3.intoArray(out, q + 3 * ts);
            q += L;
            b0.intoArray(out, q); b1.intoArray(out, q + ts); b2.intoArray(out, q + 2 * ts); b3.intoArray(out, q + 3 * ts);
            return;
        }
        for (int h = 0; h < InterleavedRows.GROUP; h += L) {
            FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
            for (int c = 0; c < cols; c++) {
                FloatVector w = FloatVector.fromArray(F, tile, InterleavedRows.GROUP * c + h);
                c0 = w.fma(FloatVector.broadcast(F, x[x0 + c]), c0);
                c1 = w.fma(FloatVector.broadcast(F, x[x1 + c]), c1);
                c2 = w.fma(FloatVector.broadcast(F, x[x2 + c]), c2);
                c3 = w.fma(FloatVector.broadcast(F, x[x3 + c]), c3);
            }
            int p = o + t * ts + h;
            c0.intoArray(out, p); c1.intoArray(out, p + ts); c2.intoArray(out, p + 2 * ts); c3.intoArray(out, p + 3 * ts);
        }
    }

    /**
     * One token against a 16-row column-major tile, its 16 outputs to {@code out[o ..]}. Four
     * accumulators, so that four FMAs (latency 4 cycles) are in flight.
     */
    private static void outer1(float[] tile, int cols, float[] x, int x0, float[] out, int o) {
        int g = InterleavedRows.GROUP;
        for (int h = 0; h < g; h += L) {
            FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
            int c = 0;
            for (; c + 4 <= cols; c += 4) {
                c0 = FloatVector.fromArray(F, tile, g * c + h).fma(FloatVector.broadcast(F, x[x0 + c]), c0);
                c1 = FloatVector.fromArray(F, tile, g * (c + 1) + h).fma(FloatVector.broadcast(F, x[x0 + c + 1]), c1);
                c2 = FloatVector.fromArray(F, tile, g * (c + 2) + h).fma(FloatVector.broadcast(F, x[x0 + c + 2]), c2);
                c3 = FloatVector.fromArray(F, tile, g * (c + 3) + h).fma(FloatVector.broadcast(F, x[x0 + c + 3]), c3);
            }
            for (; c < cols; c++) c0 = FloatVector.fromArray(F, tile, g * c + h).fma(FloatVector.broadcast(F, x[x0 + c]), c0);
            c0.add(c1).add(c2.add(c3)).intoArray(out, o + h);
        }
    }

    private static float[] scratch(int n) {
        return grown(SCRATCH, n);
    }

    private static float[] scratch2(int n) {
        return grown(SCRATCH2, n);
    }

    private static float[] grown(ThreadLocal<float[][]> holder, int n) {
        float[][] slot = holder.get();
        if (slot[0] == null || slot[0].length < n) slot[0] = new float[n];
        return slot[0];
    }

    /** Rows {@code w0, w0+n, w0+2n, w0+3n} of {@code w} against 4 tokens; result (row i, token t) to {@code out[o + t*ts + i]}. */
    private static void dot4x4(float[] w, int w0, int n, float[] x, int x0, int x1, int x2, int x3, float[] out, int o, int ts) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int w1 = w0 + n, w2 = w1 + n, w3 = w2 + n;
        for (int i = 0; i < n; i += L) {
            FloatVector a0 = FloatVector.fromArray(F, w, w0 + i), a1 = FloatVector.fromArray(F, w, w1 + i);
            FloatVector a2 = FloatVector.fromArray(F, w, w2 + i), a3 = FloatVector.fromArray(F, w, w3 + i);
            FloatVector b = FloatVector.fromArray(F, x, x0 + i);
            c00 = a0.fma(b, c00); c10 = a1.fma(b, c10); c20 = a2.fma(b, c20); c30 = a3.fma(b, c30);
            b = FloatVector.fromArray(F, x, x1 + i);
            c01 = a0.fma(b, c01); c11 = a1.fma(b, c11); c21 = a2.fma(b, c21); c31 = a3.fma(b, c31);
            b = FloatVector.fromArray(F, x, x2 + i);
            c02 = a0.fma(b, c02); c12 = a1.fma(b, c12); c22 = a2.fma(b, c22); c32 = a3.fma(b, c32);
            b = FloatVector.fromArray(F, x, x3 + i);
            c03 = a0.fma(b, c03); c13 = a1.fma(b, c13); c23 = a2.fma(b, c23); c33 = a3.fma(b, c33);
        }
        out[o] = sum(c00); out[o + 1] = sum(c10); out[o + 2] = sum(c20); out[o + 3] = sum(c30);
        o += ts;
        out[o] = sum(c01); out[o + 1] = sum(c11); out[o + 2] = sum(c21); out[o + 3] = sum(c31);
        o += ts;
        out[o] = sum(c02); out[o + 1] = sum(c12); out[o + 2] = sum(c22); out[o + 3] = sum(c32);
        o += ts;
        out[o] = sum(c03); out[o + 1] = sum(c13); out[o + 2] = sum(c23); out[o + 3] = sum(c33);
    }

    /** One row against 4 tokens. */
    private static void dot1x4(float[] w, int w0, float[] x, int x0, int x1, int x2, int x3, int n, float[] out, int o, int ts) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        for (int i = 0; i < n; i += L) {
            FloatVector a = FloatVector.fromArray(F, w, w0 + i);
            c0 = a.fma(FloatVector.fromArray(F, x, x0 + i), c0);
            c1 = a.fma(FloatVector.fromArray(F, x, x1 + i), c1);
            c2 = a.fma(FloatVector.fromArray(F, x, x2 + i), c2);
            c3 = a.fma(FloatVector.fromArray(F, x, x3 + i), c3);
        }
        out[o] = sum(c0); out[o + ts] = sum(c1); out[o + 2 * ts] = sum(c2); out[o + 3 * ts] = sum(c3);
    }

    /** 4 rows against one token. */
    private static void dot4x1(float[] w, int w0, int n, float[] x, int x0, float[] out, int o) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        for (int i = 0; i < n; i += L) {
            FloatVector b = FloatVector.fromArray(F, x, x0 + i);
            c0 = FloatVector.fromArray(F, w, w0 + i).fma(b, c0);
            c1 = FloatVector.fromArray(F, w, w0 + n + i).fma(b, c1);
            c2 = FloatVector.fromArray(F, w, w0 + 2 * n + i).fma(b, c2);
            c3 = FloatVector.fromArray(F, w, w0 + 3 * n + i).fma(b, c3);
        }
        out[o] = sum(c0); out[o + 1] = sum(c1); out[o + 2] = sum(c2); out[o + 3] = sum(c3);
    }

    private static float sum(FloatVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }
}
