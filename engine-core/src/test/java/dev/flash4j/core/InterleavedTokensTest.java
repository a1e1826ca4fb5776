package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The multi-token interleaved kernels ({@link InterleavedRows#dotTokens}) against the single-token
 * kernel {@link InterleavedRows#dot} and against the row kernels, for every token count 1..17
 * (passes of 4, 3 and 2 tokens, and single tokens), tokens at scattered offsets, and a
 * row count that leaves rows after the last whole group (those go to the row kernels).
 */
class InterleavedTokensTest {
    /** The types with an interleaved copy on this JVM's vectors (IQ4_XS, Q4_0 and IQ4_NL on 512-bit ones only). */
    private static final GgmlType[] TYPES = java.util.Arrays.stream(InterleavedTypes.ALL).filter(InterleavedTypes::onThisJvm).toArray(GgmlType[]::new);
    private static final int ROWS = 3 * InterleavedRows.GROUP + 5, COLS = 512, STRIDE = COLS + 96;

    private static WeightMatrix matrix(Arena arena, GgmlType t, Random rnd) {
        return matrix(arena, t, rnd, ROWS);
    }

    private static WeightMatrix matrix(Arena arena, GgmlType t, Random rnd, int rows) {
        long rowBytes = t.rowBytes(COLS);
        MemorySegment seg = arena.allocate(rowBytes * rows, 64);
        float[] src = new float[COLS];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < COLS; i++) src[i] = (float) (rnd.nextGaussian() * (1 + (i % 5)) + 0.3);
            InterleavedTypes.quantizeRow(t, src, COLS, seg, r * rowBytes);
        }
        return new WeightMatrix("w", BlockFormats.of(t), seg, rows, COLS, rowBytes).interleave();
    }

    /** 17 tokens' activations, one every {@link #STRIDE} floats, with a nonzero mean so that the mins matter. */
    private static float[] activations(Random rnd) {
        float[] x = new float[17 * STRIDE];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() + 0.2);
        return x;
    }

    /** Per-token kernel and multi-token kernel agree to float rounding for every token count. */
    @Test
    void multiTokenKernelsMatchTheSingleTokenKernel() {
        Random rnd = new Random(11);
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType t : TYPES) {
                WeightMatrix w = matrix(arena, t, rnd);
                InterleavedRows iw = w.interleaved();
                float[] x = activations(rnd);
                int sStride = COLS / 32 + 3;
                for (int tokens = 1; tokens <= 17; tokens++) {
                    int[] xOffs = new int[tokens];
                    for (int k = 0; k < tokens; k++) xOffs[k] = ((k * 5 + 3) % 17) * STRIDE + 32;
                    float[] sums = new float[tokens * sStride];
                    for (int k = 0; k < tokens; k++) InterleavedRows.sums32(x, xOffs[k], COLS, sums, k * sStride);
                    int outOff = 7, outStride = ROWS + 9;
                    float[] got = new float[outOff + tokens * outStride], want = new float[got.length];
                    iw.dotTokens(0, iw.groups(), x, xOffs, tokens, sums, sStride, got, outOff, outStride);
                    for (int k = 0; k < tokens; k++) iw.dot(0, iw.groups(), x, xOffs[k], sums, k * sStride, want, outOff + k * outStride);
                    for (int k = 0; k < tokens; k++) {
                        for (int r = 0; r < iw.groups() * InterleavedRows.GROUP; r++) {
                            int o = outOff + k * outStride + r;
                            double scale = absDot(w, r, x, xOffs[k]);
                            assertEquals(want[o], got[o], 2e-6 * scale, t + " tokens " + tokens + " token " + k + " row " + r);
                        }
                    }
                    // outputs outside the interleaved rows are left alone
                    for (int k = 0; k < tokens; k++) {
                        for (int r = iw.groups() * InterleavedRows.GROUP; r < outStride; r++) assertEquals(0f, got[outOff + k * outStride + r]);
                    }
                }
            }
        }
    }

    /**
     * The one-token kernel and the multi-token kernels (1, 2, 3 and 5 tokens) over every range of
     * groups of a 7-group matrix: in the one-token kernel ranges of four units and more go through
     * the four-unit kernel ({@link InterleavedKQuant#dot}), what is left one group at a time; the
     * multi-token kernels pair groups for passes of 4 tokens. Each output equals the row kernel's,
     * and outputs outside the range stay untouched.
     */
    @Test
    void kernelsMatchTheRowKernelsOverEveryGroupRange() {
        Random rnd = new Random(13);
        int groups = 7, rows = groups * InterleavedRows.GROUP + 3;
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType t : TYPES) {
                WeightMatrix w = matrix(arena, t, rnd, rows);
                InterleavedRows iw = w.interleaved();
                assertEquals(groups, iw.groups());
                float[] x = activations(rnd);
                int sStride = COLS / 32 + 1, outOff = 5, outStride = rows + 7;
                int[] xOffs = new int[5];
                for (int k = 0; k < xOffs.length; k++) xOffs[k] = ((3 * k + 2) % 17) * STRIDE + 32;
                float[] sums = new float[xOffs.length * sStride];
                for (int k = 0; k < xOffs.length; k++) InterleavedRows.sums32(x, xOffs[k], COLS, sums, k * sStride);
                for (int tokens : new int[] {0, 1, 2, 3, 5}) { // 0: the one-token dot
                    for (int g0 = 0; g0 < groups; g0++) {
                        for (int g1 = g0 + 1; g1 <= groups; g1++) {
                            float[] out = new float[outOff + Math.max(1, tokens) * outStride];
                            if (tokens == 0) iw.dot(g0, g1, x, xOffs[0], sums, 0, out, outOff);
                            else iw.dotTokens(g0, g1, x, xOffs, tokens, sums, sStride, out, outOff, outStride);
                            for (int k = 0; k < Math.max(1, tokens); k++) {
                                for (int r = 0; r < rows; r++) {
                                    boolean inRange = r >= g0 * InterleavedRows.GROUP && r < g1 * InterleavedRows.GROUP;
                                    double want = inRange ? w.dotRow(r, x, xOffs[k]) : 0;
                                    double tol = inRange ? 1e-5 * absDot(w, r, x, xOffs[k]) : 0;
                                    assertEquals(want, out[outOff + k * outStride + r], tol,
                                            t + " tokens " + tokens + " groups [" + g0 + ", " + g1 + ") token " + k + " row " + r);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Through {@link MatMul}: every token count on an interleaved matrix equals the row kernels, the rows after the last group included. */
    @Test
    void smallBatchProductsMatchTheRowKernels() {
        Random rnd = new Random(12);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (GgmlType t : TYPES) {
                WeightMatrix w = matrix(arena, t, rnd);
                float[] x = activations(rnd);
                for (int tokens = 1; tokens <= 17; tokens++) {
                    int[] sel = new int[tokens];
                    for (int k = 0; k < tokens; k++) sel[k] = (k * 7 + 4) % 17;
                    int outStride = ROWS + 1;
                    float[] out = new float[tokens * outStride];
                    MatMul.matmulRows(pool, w, x, STRIDE, sel, tokens, out, outStride);
                    for (int k = 0; k < tokens; k++) {
                        for (int r = 0; r < ROWS; r++) {
                            double want = w.dotRow(r, x, sel[k] * STRIDE);
                            assertEquals(want, out[k * outStride + r], 1e-5 * absDot(w, r, x, sel[k] * STRIDE), t + " tokens " + tokens + " token " + k + " row " + r);
                        }
                    }
                }
            }
        }
    }

    private static double absDot(WeightMatrix w, int r, float[] x, int xOff) {
        float[] row = new float[COLS];
        w.dequantizeRow(r, row, 0);
        double s = 0;
        for (int i = 0; i < COLS; i++) s += Math.abs((double) row[i] * x[xOff + i]);
        return s;
    }

    /**
     * 8-bit activations: {@link InterleavedRows#dotTokensQ8} (on 256-bit vectors Q4_K's passes of 4
     * and 2 tokens, else one token at a time) equals {@link InterleavedRows#dotQ8} token by token,
     * for every token count 1..9, gaussian activations and the largest ones (every quant +-127,
     * where Q4_K's short sums wrap and are corrected).
     */
    @Test
    void multiToken8BitKernelsMatchTheSingleTokenKernel() {
        Random rnd = new Random(17);
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType t : TYPES) {
                WeightMatrix w = matrix(arena, t, rnd);
                InterleavedRows iw = w.interleaved();
                assertEquals(!InterleavedTypes.LEVEL_TABLE.contains(t), iw.hasEightBit(), t.name());
                if (!iw.hasEightBit()) continue; // IQ4_XS, Q4_0, IQ4_NL: no 8-bit kernels to compare (its products take floats: MatMulTest)
                for (int pattern = 0; pattern < 2; pattern++) {
                    for (int tokens = 1; tokens <= 9; tokens++) {
                        float[] x = new float[tokens * COLS];
                        for (int i = 0; i < x.length; i++) x[i] = pattern == 0 ? (float) (rnd.nextGaussian() + 0.2) : ((i / 32 + i / COLS) % 2 == 0 ? 1 : -1);
                        Q8Activations a = new Q8Activations(x.length).quantize(x, 0, x.length);
                        a.spreadFor(iw);
                        int outOff = 5, outStride = ROWS + 3;
                        float[] got = new float[outOff + tokens * outStride], want = new float[got.length];
                        java.util.Arrays.fill(got, 1e4f); // what reused buffers hold: the kernels must overwrite it
                        java.util.Arrays.fill(want, -1e4f);
                        iw.dotTokensQ8(0, iw.groups(), a, COLS, tokens, got, outOff, outStride);
                        for (int k = 0; k < tokens; k++) iw.dotQ8(0, iw.groups(), a, k * COLS, want, outOff + k * outStride);
                        for (int k = 0; k < tokens; k++) {
                            for (int r = 0; r < iw.groups() * InterleavedRows.GROUP; r++) {
                                int o = outOff + k * outStride + r;
                                assertEquals(want[o], got[o], 1e-5f * (1 + Math.abs(want[o])), t + " pattern " + pattern + ", " + tokens + " tokens, token " + k + " row " + r);
                            }
                        }
                    }
                }
            }
        }
    }
}
