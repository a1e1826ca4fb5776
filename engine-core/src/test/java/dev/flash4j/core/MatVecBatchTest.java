package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link MatVecBatch}: products of mixed types, with and without interleaved copies, with row counts
 * that are not multiples of 16, inputs and outputs at offsets inside shared arrays, give what each
 * product gives on its own through {@link MatMul#matvec}; a reused batch gives the same again.
 */
class MatVecBatchTest {
    private static WeightMatrix random(Arena arena, GgmlType t, int rows, int cols, Random rnd, boolean interleave) {
        long rowBytes = t.rowBytes(cols);
        MemorySegment seg = arena.allocate(rowBytes * rows, 64);
        float[] src = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) src[i] = (float) rnd.nextGaussian();
            Quantizer.quantizeRow(t, src, 0, cols, seg, r * rowBytes);
        }
        WeightMatrix w = new WeightMatrix(t + "x" + rows, BlockFormats.of(t), seg, rows, cols, rowBytes);
        return interleave ? w.interleave() : w;
    }

    @Test
    void fusedProductsEqualSeparateOnes() {
        Random rnd = new Random(7);
        int cols = 512;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(3)) {
            WeightMatrix[] ws = {
                    random(arena, GgmlType.Q4_K, 37, cols, rnd, true),
                    random(arena, GgmlType.Q6_K, 64, cols, rnd, true),
                    random(arena, GgmlType.Q5_K, 5, cols, rnd, true), // fewer rows than a group: no interleaved copy
                    random(arena, GgmlType.Q8_0, 41, cols, rnd, false),
                    random(arena, GgmlType.Q4_K, 48, cols, rnd, false),
                    random(arena, GgmlType.F32, 3, cols, rnd, false),
                    random(arena, GgmlType.Q8_0, 35, cols, rnd, true),
            };
            float[] x = new float[3 * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            int[] xOff = {0, cols, 2 * cols, cols, 0, 2 * cols, cols};
            int[] outOff = new int[ws.length];
            int total = 7; // outputs start at an offset
            for (int i = 0; i < ws.length; i++) {
                outOff[i] = total;
                total += ws[i].rows() + 3;
            }
            float[] want = new float[total];
            for (int i = 0; i < ws.length; i++) {
                float[] one = new float[ws[i].rows()], xi = java.util.Arrays.copyOfRange(x, xOff[i], xOff[i] + cols);
                MatMul.matvec(pool, ws[i], xi, one);
                System.arraycopy(one, 0, want, outOff[i], one.length);
            }
            MatVecBatch batch = new MatVecBatch();
            for (int round = 0; round < 2; round++) {
                float[] got = new float[total];
                batch.clear();
                for (int i = 0; i < ws.length; i++) batch.add(ws[i], x, xOff[i], got, outOff[i]);
                batch.run(pool);
                for (int i = 0; i < total; i++) assertEquals(want[i], got[i], 1e-4f * (1 + Math.abs(want[i])), "round " + round + " output " + i);
            }
        }
    }

    /** Products of 1..8 tokens, inputs by stride or by row list, outputs strided: each equals MatMul on its own. */
    @Test
    void multiTokenProductsEqualSeparateOnes() {
        Random rnd = new Random(11);
        int cols = 512;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            WeightMatrix[] ws = {
                    random(arena, GgmlType.Q4_K, 37, cols, rnd, true),
                    random(arena, GgmlType.Q6_K, 32, cols, rnd, true),
                    random(arena, GgmlType.Q5_K, 19, cols, rnd, true),
                    random(arena, GgmlType.Q8_0, 21, cols, rnd, false),
            };
            int tokensAvailable = 8;
            float[] x = new float[tokensAvailable * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            MatVecBatch batch = new MatVecBatch();
            for (int count = 1; count <= 8; count++) {
                int[] rows = new int[count];
                for (int t = 0; t < count; t++) rows[t] = (3 * t + count) % tokensAvailable;
                float[][] got = new float[ws.length][], want = new float[ws.length][];
                batch.clear();
                for (int i = 0; i < ws.length; i++) {
                    int stride = ws[i].rows() + 5;
                    got[i] = new float[2 + count * stride];
                    want[i] = new float[2 + count * stride];
                    if (i % 2 == 0) batch.addRows(ws[i], x, cols, rows, 0, count, got[i], 2, stride);
                    else batch.add(ws[i], x, 0, cols, count, got[i], 2, stride);
                    for (int t = 0; t < count; t++) {
                        int row = i % 2 == 0 ? rows[t] : t;
                        float[] one = new float[ws[i].rows()];
                        MatMul.matvec(pool, ws[i], java.util.Arrays.copyOfRange(x, row * cols, (row + 1) * cols), one);
                        System.arraycopy(one, 0, want[i], 2 + t * stride, one.length);
                    }
                }
                batch.run(pool);
                for (int i = 0; i < ws.length; i++) {
                    for (int k = 0; k < want[i].length; k++) {
                        assertEquals(want[i][k], got[i][k], 1e-4f * (1 + Math.abs(want[i][k])), count + " tokens, product " + i + ", output " + k);
                    }
                }
            }
        }
    }

    /**
     * With 8-bit activations: products of 1..4 tokens, some sharing their inputs with the product
     * before them (one quantization for both), others not, each equal to MatMul's 8-bit product on
     * its own for the interleaved groups' rows and to the float product for the rows after them.
     */
    @Test
    void q8ProductsEqualSeparateOnes() {
        Random rnd = new Random(13);
        int cols = 512;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            WeightMatrix[] ws = {
                    random(arena, GgmlType.Q4_K, 37, cols, rnd, true),
                    random(arena, GgmlType.Q6_K, 32, cols, rnd, true),
                    random(arena, GgmlType.Q5_K, 19, cols, rnd, true),
                    random(arena, GgmlType.Q8_0, 21, cols, rnd, true),
                    random(arena, GgmlType.Q8_0, 20, cols, rnd, false), // float: 5 shares 3's quantized inputs across it
                    random(arena, GgmlType.Q4_K, 35, cols, rnd, true),
            };
            int tokensAvailable = 6;
            float[] x = new float[tokensAvailable * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            MatVecBatch batch = new MatVecBatch(ActivationPrecision.Q8);
            for (int count = 1; count <= 4; count++) {
                int[] rows = new int[count];
                for (int t = 0; t < count; t++) rows[t] = (2 * t + count) % tokensAvailable;
                float[][] got = new float[ws.length][], want = new float[ws.length][];
                batch.clear();
                for (int i = 0; i < ws.length; i++) {
                    // products 0-2 read the same tokens (shared quantization), 3 others, 4 and 5 the same as 3
                    int[] r = i < 3 ? rows : new int[count];
                    if (i >= 3) for (int t = 0; t < count; t++) r[t] = (rows[t] + 1) % tokensAvailable;
                    int stride = ws[i].rows() + 5;
                    got[i] = new float[2 + count * stride];
                    want[i] = new float[2 + count * stride];
                    batch.addRows(ws[i], x, cols, r, 0, count, got[i], 2, stride);
                    InterleavedRows iw = ws[i].interleaved();
                    // 8 bits for the whole groups, in passes of several tokens only where the copy has 8-bit pass kernels
                    int groupRows = iw == null || count > 1 && !iw.eightBitPasses() ? 0 : iw.groups() * InterleavedRows.GROUP;
                    for (int t = 0; t < count; t++) {
                        float[] in = java.util.Arrays.copyOfRange(x, r[t] * cols, (r[t] + 1) * cols);
                        float[] q8 = new float[ws[i].rows()], f32 = new float[ws[i].rows()];
                        MatMul.matmul(pool, ws[i], in, 1, q8, 0, ActivationPrecision.Q8);
                        MatMul.matvec(pool, ws[i], in, f32);
                        for (int k = 0; k < ws[i].rows(); k++) want[i][2 + t * stride + k] = k < groupRows ? q8[k] : f32[k];
                    }
                }
                batch.run(pool);
                for (int i = 0; i < ws.length; i++) {
                    for (int k = 0; k < want[i].length; k++) {
                        assertEquals(want[i][k], got[i][k], 1e-4f * (1 + Math.abs(want[i][k])), count + " tokens, product " + i + ", output " + k);
                    }
                }
            }
        }
    }
}
