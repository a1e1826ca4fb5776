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
     * For ONE token: adds {@code weight[i] * ffn_i(h)} for each of {@code ffns[0..count)} to
     * {@code out[outOff ..]} (weights null = 1), with all the gate and up products in one parallel
     * loop and all the down products in another ({@link MatVecBatch}): a decode step's routed and
     * shared experts then cost two meeting points of the threads instead of three per expert.
     * {@code gateBuf}/{@code upBuf} must hold {@code count * max hiddenSize()} floats,
     * {@code downBuf} {@code count * dim}; float activations.
     */
    public static void addAllTo(WorkerPool pool, MatVecBatch batch, FeedForward[] ffns, float[] weight, int count,
                                float[] h, int hOff, int dim, float[] out, int outOff, float[] gateBuf, float[] upBuf, float[] downBuf) {
        int stride = 0;
        for (int i = 0; i < count; i++) stride = Math.max(stride, ffns[i].hiddenSize());
        batch.clear();
        for (int i = 0; i < count; i++) {
            batch.add(ffns[i].gate, h, hOff, gateBuf, i * stride);
            batch.add(ffns[i].up, h, hOff, upBuf, i * stride);
        }
        batch.run(pool);
        batch.clear();
        for (int i = 0; i < count; i++) {
            SwiGlu.apply(gateBuf, i * stride, upBuf, i * stride, ffns[i].hiddenSize(), ffns[i].clampLimit);
            batch.add(ffns[i].down, gateBuf, i * stride, downBuf, i * dim);
        }
        batch.run(pool);
        for (int i = 0; i < count; i++) VectorOps.axpy(weight == null ? 1f : weight[i], downBuf, i * dim, out, outOff, dim);
    }
}
