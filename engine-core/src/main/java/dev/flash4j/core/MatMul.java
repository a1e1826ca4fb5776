package dev.flash4j.core;

/**
 * Matrix products of mapped weights with f32 activations, parallel over output rows.
 *
 * <p>Activations are flat row-major arrays: token {@code b}'s input vector is
 * {@code x[b*cols .. (b+1)*cols)}, its output {@code out[b*rows .. (b+1)*rows)}. For a batch, each
 * weight row is read once and applied to every token while it is in cache, so the weights stream
 * from memory once per batch rather than once per token.
 */
public final class MatMul {
    private static final int ROW_GRAIN = 16;

    private MatMul() {}

    /** {@code out = W x} for one vector. */
    public static void matvec(WorkerPool pool, WeightMatrix w, float[] x, float[] out) {
        matmul(pool, w, x, 1, out);
    }

    /** {@code out[b] = W x[b]} for {@code batch} vectors. */
    public static void matmul(WorkerPool pool, WeightMatrix w, float[] x, int batch, float[] out) {
        matmul(pool, w, x, batch, out, 0);
    }

    /** {@code out[outOff + b*rows ..] = W x[b]} for {@code batch} vectors. */
    public static void matmul(WorkerPool pool, WeightMatrix w, float[] x, int batch, float[] out, int outOff) {
        int rows = w.rows(), cols = w.cols();
        pool.parallelFor(rows, ROW_GRAIN, (start, end) -> {
            for (int r = start; r < end; r++) {
                for (int b = 0; b < batch; b++) out[outOff + b * rows + r] = w.dotRow(r, x, b * cols);
            }
        });
    }

    /** Like {@link #matmul} on a caller-chosen subset of the batch: tokens {@code x[sel[i]]} into {@code out[i]}. */
    public static void matmulRows(WorkerPool pool, WeightMatrix w, float[] x, int xStride, int[] sel, int count, float[] out, int outStride) {
        int rows = w.rows();
        pool.parallelFor(rows, ROW_GRAIN, (start, end) -> {
            for (int r = start; r < end; r++) {
                for (int i = 0; i < count; i++) out[i * outStride + r] = w.dotRow(r, x, sel[i] * xStride);
            }
        });
    }
}
