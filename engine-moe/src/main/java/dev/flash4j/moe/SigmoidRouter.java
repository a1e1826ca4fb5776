package dev.flash4j.moe;

import dev.flash4j.core.VectorOps;

/**
 * Expert selection with sigmoid gating and a selection-only bias (DeepSeek-V3 / Step 3.5 style):
 * {@code s = sigmoid(logits)}; the top {@code k} experts by {@code s + bias} are chosen; their
 * weights are the unbiased {@code s}, optionally divided by their sum (guarded at 1e-20), then
 * multiplied by {@code scale}.
 */
public final class SigmoidRouter {
    private final int experts;
    private final int topK;
    private final float[] selectionBias;
    private final boolean normalize;
    private final float scale;

    /** @param selectionBias one value per expert, or null for none */
    public SigmoidRouter(int experts, int topK, float[] selectionBias, boolean normalize, float scale) {
        if (topK < 1 || topK > experts) throw new IllegalArgumentException("top-k " + topK + " is not in 1.." + experts);
        if (selectionBias != null && selectionBias.length != experts) {
            throw new IllegalArgumentException("selection bias has " + selectionBias.length + " values for " + experts + " experts");
        }
        this.experts = experts;
        this.topK = topK;
        this.selectionBias = selectionBias;
        this.normalize = normalize;
        this.scale = scale;
    }

    public int topK() {
        return topK;
    }

    /**
     * Routes one token: reads {@code logits[lOff .. lOff+experts)} (overwritten with the sigmoid
     * scores), writes the chosen expert ids to {@code ids[oOff ..]} and their weights to
     * {@code weights[oOff ..]}, best first.
     */
    public void route(float[] logits, int lOff, int[] ids, float[] weights, int oOff) {
        for (int e = 0; e < experts; e++) logits[lOff + e] = VectorOps.sigmoid(logits[lOff + e]);
        for (int j = 0; j < topK; j++) {
            int best = -1;
            float bestKey = Float.NEGATIVE_INFINITY;
            for (int e = 0; e < experts; e++) {
                float key = logits[lOff + e] + (selectionBias == null ? 0f : selectionBias[e]);
                if ((best < 0 || key > bestKey) && !chosen(ids, oOff, j, e)) {
                    best = e;
                    bestKey = key;
                }
            }
            ids[oOff + j] = best;
            weights[oOff + j] = logits[lOff + best];
        }
        float norm = 1f;
        if (normalize) {
            double sum = 0;
            for (int j = 0; j < topK; j++) sum += weights[oOff + j];
            norm = (float) (1.0 / Math.max(sum, 1e-20));
        }
        for (int j = 0; j < topK; j++) weights[oOff + j] = weights[oOff + j] * norm * scale;
    }

    private static boolean chosen(int[] ids, int off, int count, int e) {
        for (int i = 0; i < count; i++) if (ids[off + i] == e) return true;
        return false;
    }
}
