package dev.flash4j.moe;

import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.MatMul;
import dev.flash4j.core.MatVecBatch;
import dev.flash4j.core.VectorOps;
import dev.flash4j.core.WeightMatrix;
import dev.flash4j.core.WorkerPool;

/**
 * One SwiGLU feed-forward network ({@code down(swiglu(gate h, up h))}): a dense FFN, a shared
 * expert, or one routed expert (matrices sliced out of the 3-D expert tensors).
 */
public record FeedForward(WeightMatrix gate, WeightMatrix up, WeightMatrix down, float clampLimit) {

    public int hiddenSize() {
        return gate.rows();
    }

    /**
     * Runs the FFN on tokens {@code sel[0..count)} of {@code h} (stride {@code dim}) and adds
     * {@code weight[i] * ffn(h[sel[i]])} to {@code out[sel[i]]} (weights null = 1).
     * Scratch arrays must hold {@code count * hiddenSize()} and {@code count * dim} floats.
     */
    public void addTo(WorkerPool pool, float[] h, int dim, int[] sel, float[] weight, int count, float[] out,
                      float[] gateBuf, float[] upBuf, float[] downBuf, ActivationPrecision precision) {
        int ff = hiddenSize();
        MatMul.matmulRows(pool, gate, h, dim, sel, count, gateBuf, ff, precision);
        MatMul.matmulRows(pool, up, h, dim, sel, count, upBuf, ff, precision);
        for (int i = 0; i < count; i++) SwiGlu.apply(gateBuf, i * ff, upBuf, i * ff, ff, clampLimit);
        MatMul.matmul(pool, down, gateBuf, count, downBuf, 0, precision);
        for (int i = 0; i < count; i++) {
            VectorOps.axpy(weight == null ? 1f : weight[i], downBuf, i * dim, out, sel[i] * dim, dim);
        }
    }

    /**
     * For a few tokens (a decode step, a verify pass): FFN {@code ffns[j]} applied to the tokens
     * {@code rows[start[j] .. start[j+1])} of {@code h} (row stride {@code dim}), each result times
     * {@code weight[start[j] + i]} (null: 1) added to the token's row of {@code out}. All gate and
     * up products run in one parallel loop and all down products in another ({@link MatVecBatch}):
     * a step's routed and shared experts then cost two meeting points of the threads instead of
     * three per expert. Entry {@code e = start[j] + i} keeps its hidden state at
     * {@code gateBuf[e * H ..]} ({@code H} = the largest hidden size) and its output at
     * {@code downBuf[e * dim ..]}; see {@link #fusedFits}. Activations as {@code batch} was made for.
     */
    public static void addAllTo(WorkerPool pool, MatVecBatch batch, FeedForward[] ffns, int count, int[] rows, int[] start, float[] weight,
                                float[] h, int dim, float[] out, float[] gateBuf, float[] upBuf, float[] downBuf) {
        int stride = maxHidden(ffns, count);
        batch.clear();
        for (int j = 0; j < count; j++) {
            int n = start[j + 1] - start[j];
            batch.addRows(ffns[j].gate, h, dim, rows, start[j], n, gateBuf, start[j] * stride, stride);
            batch.addRows(ffns[j].up, h, dim, rows, start[j], n, upBuf, start[j] * stride, stride);
        }
        batch.run(pool);
        batch.clear();
        for (int j = 0; j < count; j++) {
            int n = start[j + 1] - start[j];
            for (int e = start[j]; e < start[j + 1]; e++) SwiGlu.apply(gateBuf, e * stride, upBuf, e * stride, ffns[j].hiddenSize(), ffns[j].clampLimit);
            batch.add(ffns[j].down, gateBuf, start[j] * stride, stride, n, downBuf, start[j] * dim, dim);
        }
        batch.run(pool);
        for (int e = 0; e < start[count]; e++) VectorOps.axpy(weight == null ? 1f : weight[e], downBuf, e * dim, out, rows[e] * dim, dim);
    }

    /**
     * Whether {@link #addAllTo} can take these FFNs: buffers large enough for its entries, and every
     * FFN's token count small enough for the small-batch kernels.
     */
    public static boolean fusedFits(FeedForward[] ffns, int count, int[] start, int dim, float[] gateBuf, float[] downBuf) {
        int entries = start[count];
        if ((long) entries * maxHidden(ffns, count) > gateBuf.length || (long) entries * dim > downBuf.length) return false;
        for (int j = 0; j < count; j++) {
            int n = start[j + 1] - start[j];
            if (!MatVecBatch.fits(ffns[j].gate, n) || !MatVecBatch.fits(ffns[j].up, n) || !MatVecBatch.fits(ffns[j].down, n)) return false;
        }
        return true;
    }

    private static int maxHidden(FeedForward[] ffns, int count) {
        int stride = 0;
        for (int i = 0; i < count; i++) stride = Math.max(stride, ffns[i].hiddenSize());
        return stride;
    }
}
