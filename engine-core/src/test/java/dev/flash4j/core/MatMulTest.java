package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MatMul} against independent references: every product of the batched and tiled paths
 * equals a double-precision dot of the dequantized row (float activations) or of the dequantized
 * row with the 8-bit activations (Q8), for all kernel types, odd row counts and batch sizes on
 * both sides of the tiling threshold.
 */
class MatMulTest {
    private static final GgmlType[] TYPES = {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_0, GgmlType.IQ4_XS, GgmlType.Q4_0, GgmlType.IQ4_NL, GgmlType.F32, GgmlType.F16, GgmlType.BF16};
    private static final GgmlType[] INTERLEAVED = InterleavedTypes.ALL;

    /** A random matrix quantized by the reference quantizer, and its rows dequantized. */
    private record Fixture(WeightMatrix w, float[] deq) {
        static Fixture random(Arena arena, GgmlType t, int rows, int cols, Random rnd) {
            long rowBytes = t.rowBytes(cols);
            MemorySegment seg = arena.allocate(rowBytes * rows, 64);
            float[] src = new float[cols];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) src[i] = (float) (rnd.nextGaussian() * (1 + (i % 7)));
                InterleavedTypes.quantizeRow(t, src, cols, seg, r * rowBytes);
            }
            WeightMatrix w = new WeightMatrix("w", BlockFormats.of(t), seg, rows, cols, rowBytes).interleave();
            assertEquals(rows >= InterleavedRows.GROUP && java.util.Arrays.asList(INTERLEAVED).contains(t) && InterleavedTypes.onThisJvm(t), w.interleaved() != null, t + " copy");
            float[] deq = new float[rows * cols];
            for (int r = 0; r < rows; r++) w.dequantizeRow(r, deq, r * cols);
            return new Fixture(w, deq);
        }

        /** The same matrix without an interleaved copy (row kernels only). */
        WeightMatrix plain() {
            return new WeightMatrix(w.name(), w.format(), w.data(), w.rows(), w.cols(), w.rowBytes());
        }

        double dot(int r, float[] x, int xOff) {
            double s = 0;
            for (int i = 0; i < w.cols(); i++) s += (double) deq[r * w.cols() + i] * x[xOff + i];
            return s;
        }

        double absDot(int r, float[] x, int xOff) {
            double s = 0;
            for (int i = 0; i < w.cols(); i++) s += Math.abs((double) deq[r * w.cols() + i] * x[xOff + i]);
            return s;
        }
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    @Test
    void floatProductsMatchADoubleReferenceForEveryBatchSize() {
        Random rnd = new Random(3);
        int[] batches = {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 17, 33, 42, 53}; // 53: matrices without an interleaved copy go by RowTiles
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            // 37 rows: two whole groups of 16 interleaved rows and 5 more;
            // 149 rows: 9 groups and 5 more: the tiled loop's pairs of groups, the last pair with one group
            // (the small-batch kernels' two-group passes run over whole matrices in InterleavedTokensTest)
            for (GgmlType t : TYPES) for (int rows : new int[] {37, 149}) {
                int cols = 512;
                Fixture f = Fixture.random(arena, t, rows, cols, rnd);
                for (int batch : batches) {
                    float[] x = gaussian(rnd, batch * cols);
                    int outOff = 5;
                    float[] out = new float[outOff + batch * rows];
                    MatMul.matmul(pool, f.w(), x, batch, out, outOff);
                    float[] plain = new float[outOff + batch * rows];
                    MatMul.matmul(pool, f.plain(), x, batch, plain, outOff);
                    for (int b = 0; b < batch; b++) {
                        for (int r = 0; r < rows; r++) {
                            double want = f.dot(r, x, b * cols), scale = f.absDot(r, x, b * cols);
                            assertEquals(want, out[outOff + b * rows + r], 1e-5 * scale, t + " batch " + batch + " token " + b + " row " + r);
                            assertEquals(want, plain[outOff + b * rows + r], 1e-5 * scale, t + " (not interleaved) batch " + batch + " token " + b + " row " + r);
                        }
                    }
                }
            }
        }
    }

    @Test
    void selectedTokenProductsMatchADoubleReference() {
        Random rnd = new Random(4);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (GgmlType t : TYPES) for (int rows : new int[] {35, 149}) {
                int cols = 256, tokens = 23, stride = cols + 32;
                Fixture f = Fixture.random(arena, t, rows, cols, rnd);
                float[] x = gaussian(rnd, tokens * stride);
                for (int count : new int[] {1, 3, 8, 11}) {
                    for (ActivationPrecision p : ActivationPrecision.values()) {
                        int[] sel = new int[count];
                        for (int i = 0; i < count; i++) sel[i] = (i * 7 + 2) % tokens;
                        int outStride = rows + 3;
                        float[] out = new float[count * outStride];
                        MatMul.matmulRows(pool, f.w(), x, stride, sel, count, out, outStride, p);
                        for (int i = 0; i < count; i++) {
                            for (int r = 0; r < rows; r++) {
                                double want = f.dot(r, x, sel[i] * stride), scale = f.absDot(r, x, sel[i] * stride);
                                // 8-bit activations where a kernel takes them: the interleaved one for the whole groups, the row one after
                                InterleavedRows iw = f.w().interleaved();
                                boolean q8Kernel = iw != null && iw.hasEightBit() && r < iw.groups() * InterleavedRows.GROUP || BlockFormats.supportsQ8(t);
                                double tol = p.eightBit(f.w(), count) && !MatMul.tiled(f.w(), count, p) && q8Kernel ? 2e-2 : 1e-5;
                                assertEquals(want, out[i * outStride + r], tol * scale, t + " " + p + " count " + count + " token " + i + " row " + r);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void slicesOfAnInterleavedMatrixKeepTheirRows() {
        Random rnd = new Random(6);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            Fixture f = Fixture.random(arena, GgmlType.Q4_K, 64 + 7, 256, rnd);
            float[] x = gaussian(rnd, 256);
            int[][] slices = {{16, 32}, {32, 39}, {0, 16}, {5, 20}};
            for (int[] sl : slices) {
                WeightMatrix s = f.w().slice(sl[0], sl[1]);
                assertEquals(sl[0] % 16 == 0, s.interleaved() != null, "slice " + sl[0]);
                float[] out = new float[sl[1]];
                MatMul.matmul(pool, s, x, 1, out);
                for (int r = 0; r < sl[1]; r++) {
                    assertEquals(f.dot(sl[0] + r, x, 0), out[r], 1e-5 * f.absDot(sl[0] + r, x, 0), "slice " + sl[0] + " row " + r);
                }
            }
        }
    }

    @Test
    void interleavingOnAPoolGivesTheSameProducts() {
        Random rnd = new Random(7);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (GgmlType t : INTERLEAVED) {
                if (!InterleavedTypes.onThisJvm(t)) continue; // no copy at this width: nothing to compare (Fixture checks the copy is absent)
                Fixture f = Fixture.random(arena, t, 16 * 9 + 3, 512, rnd);
                WeightMatrix parallel = f.plain().interleave(pool);
                float[] x = gaussian(rnd, 512);
                float[] a = new float[f.w().rows()], b = new float[f.w().rows()];
                MatMul.matvec(pool, f.w(), x, a);
                MatMul.matvec(pool, parallel, x, b);
                // equal up to rounding: a vector reduction summed by interpreted code and by compiled code may differ in the last bits
                for (int r = 0; r < a.length; r++) assertEquals(a[r], b[r], 1e-5f * (1 + Math.abs(a[r])), t.name() + " row " + r);
            }
        }
    }

    @Test
    void q8ProductsMatchADoubleReferenceOnTheQuantizedActivations() {
        Random rnd = new Random(5);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (GgmlType t : TYPES) {
                int rows = 93, cols = 768; // five groups and 13 rows after them
                Fixture f = Fixture.random(arena, t, rows, cols, rnd);
                // which rows take 8-bit activations: the interleaved copy's whole groups where it has an 8-bit
                // kernel (all but IQ4_XS, Q4_0 and IQ4_NL; Q5_K's row format has none), the other rows if the row format does
                InterleavedRows iw = f.w().interleaved();
                boolean rowQ8 = BlockFormats.supportsQ8(t), groupQ8 = iw != null && iw.hasEightBit();
                // a copy without 8-bit kernels (IQ4_XS, Q4_0, IQ4_NL) keeps the whole matrix in floats, its rows after the groups too
                boolean afterGroupsQ8 = rowQ8 && ActivationPrecision.Q8.eightBit(f.w());
                int groupRows = iw == null ? 0 : iw.groups() * InterleavedRows.GROUP;
                if (!rowQ8 && !groupQ8) continue;
                for (int batch = 1; batch < MatMul.TILED_MIN_BATCH; batch++) {
                    float[] x = gaussian(rnd, batch * cols);
                    Q8Activations a = new Q8Activations(x.length).quantize(x, 0, x.length);
                    float[] xq = new float[x.length];
                    for (int i = 0; i < x.length; i++) xq[i] = a.value(i);
                    // passes of several tokens keep 8 bits only where the copy has 8-bit pass kernels (Q4_K on
                    // 256-bit vectors); elsewhere the whole matrix takes floats for them
                    boolean passQ8 = iw == null || batch == 1 || iw.eightBitPasses();
                    float[] out = new float[batch * rows];
                    java.util.Arrays.fill(out, 1e4f); // what a reused buffer holds: the product must overwrite it
                    MatMul.matmul(pool, f.w(), x, batch, out, 0, ActivationPrecision.Q8);
                    float[] plain = new float[batch * rows];
                    MatMul.matmul(pool, f.plain(), x, batch, plain, 0, ActivationPrecision.Q8);
                    double worst = 0;
                    for (int b = 0; b < batch; b++) {
                        for (int r = 0; r < rows; r++) {
                            float[] in = passQ8 && (r < groupRows ? groupQ8 : afterGroupsQ8) ? xq : x, plainIn = rowQ8 ? xq : x;
                            double want = f.dot(r, in, b * cols), scale = f.absDot(r, in, b * cols);
                            assertEquals(want, out[b * rows + r], 1e-5 * scale, t + " batch " + batch + " token " + b + " row " + r);
                            assertEquals(f.dot(r, plainIn, b * cols), plain[b * rows + r], 1e-5 * f.absDot(r, plainIn, b * cols), t + " (not interleaved) batch " + batch + " token " + b + " row " + r);
                            double q = f.dot(r, xq, b * cols);
                            worst = Math.max(worst, Math.abs(q - f.dot(r, x, b * cols)) / f.absDot(r, x, b * cols));
                        }
                    }
                    assertTrue(worst < 2e-2, t + ": 8-bit activations moved a dot by " + worst + " of its magnitude");
                }
            }
        }
    }

    /**
     * 8-bit activations at their largest (every quant 127 or -127, blocks of one sign) meet every
     * interleaved type: the short sums of the 8-bit kernels then reach their limits (Q4_K's 32
     * products of up to 15*127 per lane wrap and are corrected), and each product must still equal
     * the double reference on the quantized activations.
     */
    @Test
    void q8ProductsStayExactAtTheLargestActivations() {
        Random rnd = new Random(11);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (GgmlType t : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_0}) {
                int rows = 80, cols = 768;
                Fixture f = Fixture.random(arena, t, rows, cols, rnd);
                for (int pattern = 0; pattern < 3; pattern++) {
                    float[] x = new float[cols];
                    // all +1; all -1; the sign flipping per 32-value block
                    for (int i = 0; i < cols; i++) x[i] = pattern == 0 ? 1 : pattern == 1 ? -1 : ((i / 32) % 2 == 0 ? 1 : -1);
                    Q8Activations a = new Q8Activations(cols).quantize(x, 0, cols);
                    float[] xq = new float[cols];
                    for (int i = 0; i < cols; i++) xq[i] = a.value(i);
                    float[] out = new float[rows];
                    java.util.Arrays.fill(out, -1e4f); // what a reused buffer holds
                    MatMul.matmul(pool, f.w(), x, 1, out, 0, ActivationPrecision.Q8);
                    for (int r = 0; r < rows; r++)
                        assertEquals(f.dot(r, xq, 0), out[r], 1e-5 * f.absDot(r, xq, 0), t + " pattern " + pattern + " row " + r);
                }
            }
        }
    }

    /**
     * One call over many groups (a pool of one thread hands a product's whole range to one call):
     * the interleaved kernels then pair groups a quarter of the range apart
     * (see {@code InterleavedKQuant.quads}), for one token and in the passes of several (floats;
     * 8 bits where the copy has 8-bit pass kernels), and each output row must still be its own row's product. 13 groups and 5 rows: three strided quads,
     * one group after them, rows after the groups; 51 groups: twelve quads and three groups after them.
     */
    @Test
    void oneCallOverManyGroupsKeepsEveryRowInPlace() {
        Random rnd = new Random(11);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(1)) {
            for (GgmlType t : INTERLEAVED) {
                if (!InterleavedTypes.onThisJvm(t)) continue; // no copy at this width (Fixture checks it is absent)
                for (int rows : new int[] {16 * 13 + 5, 16 * 51}) {
                    int cols = 512;
                    Fixture f = Fixture.random(arena, t, rows, cols, rnd);
                    int groupRows = f.w().interleaved().groups() * InterleavedRows.GROUP;
                    for (int tokens : new int[] {1, 2, 3, 4, 5, 8}) {
                        float[] x = gaussian(rnd, tokens * cols);
                        Q8Activations a = new Q8Activations(x.length).quantize(x, 0, x.length);
                        float[] xq = new float[x.length];
                        for (int i = 0; i < x.length; i++) xq[i] = a.value(i);
                        // 8-bit activations one token at a time, and in passes of several where the copy has
                        // 8-bit pass kernels (Q4_K on 256-bit vectors); elsewhere passes take floats
                        boolean groupQ8 = f.w().interleaved().hasEightBit();
                        ActivationPrecision[] modes = tokens == 1 || f.w().interleaved().eightBitPasses()
                                ? new ActivationPrecision[] {ActivationPrecision.F32, ActivationPrecision.Q8}
                                : new ActivationPrecision[] {ActivationPrecision.F32};
                        for (ActivationPrecision p : modes) {
                            float[] out = new float[tokens * rows + 3];
                            java.util.Arrays.fill(out, 1e4f);
                            MatMul.matmul(pool, f.w(), x, tokens, out, 3, p);
                            MatVecBatch batch = new MatVecBatch(p);
                            float[] fused = new float[tokens * rows];
                            batch.add(f.w(), x, 0, cols, tokens, fused, 0, rows);
                            batch.run(pool);
                            boolean rowQ8 = p == ActivationPrecision.Q8 && BlockFormats.supportsQ8(t) && groupQ8; // a copy without 8-bit kernels: floats throughout
                            // from 8 tokens on, MatMul's 8-bit passes go to the tiled kernels, which take floats
                            boolean matMulQ8 = p == ActivationPrecision.Q8 && groupQ8 && !MatMul.tiled(f.w(), tokens, p);
                            for (int b = 0; b < tokens; b++) {
                                for (int r = 0; r < rows; r++) {
                                    // the rows after the groups: MatMul takes the row format's 8-bit kernel where it has one, MatVecBatch floats
                                    float[] in = p == ActivationPrecision.Q8 && (r < groupRows ? matMulQ8 : rowQ8 && !MatMul.tiled(f.w(), tokens, p)) ? xq : x;
                                    float[] fusedIn = p == ActivationPrecision.Q8 && groupQ8 && r < groupRows ? xq : x;
                                    String where = t + " " + p + " rows " + rows + ", " + tokens + " tokens, token " + b + ", row " + r;
                                    assertEquals(f.dot(r, in, b * cols), out[3 + b * rows + r], 1e-5 * f.absDot(r, in, b * cols), where);
                                    assertEquals(f.dot(r, fusedIn, b * cols), fused[b * rows + r], 1e-5 * f.absDot(r, fusedIn, b * cols), where + " (MatVecBatch)");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
