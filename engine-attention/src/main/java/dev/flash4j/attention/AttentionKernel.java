package dev.flash4j.attention;

import dev.flash4j.core.VectorOps;
import dev.flash4j.core.WorkerPool;

/**
 * Causal grouped-query attention of a batch of query tokens over a {@link LayerKvCache} that
 * already holds the batch's own keys and values.
 *
 * <p>Queries are flat: token {@code b}'s head {@code h} is {@code q[b*qStride + h*headDim ..]}; the
 * output has the same layout. Query head {@code h} reads KV head {@code h / (heads / kvHeads)}.
 * Token {@code b} sits at position {@code pos0 + b} and sees positions {@code p0 <= pos} with
 * {@code pos - p0 < window} (window = 0 means unlimited). Softmax runs online (running max and
 * sum), so no score buffer is needed whatever the context length.
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    public static void attend(WorkerPool pool, LayerKvCache cache, float[] q, int qStride, int batch, int pos0,
                              int heads, int kvHeads, int headDim, int window, float[] out) {
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        pool.parallelFor(batch * heads, 1, (start, end) -> {
            for (int task = start; task < end; task++) {
                int b = task / heads, h = task % heads;
                int pos = pos0 + b;
                int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
                int qOff = b * qStride + h * headDim;
                int kvh = h / group;
                java.util.Arrays.fill(out, qOff, qOff + headDim, 0f);
                float max = Float.NEGATIVE_INFINITY;
                double sum = 0;
                for (int p = first; p <= pos; p++) {
                    float s = cache.dotKey(p, kvh, q, qOff) * scale;
                    if (s > max) {
                        float correction = (float) Math.exp(max - s);
                        sum *= correction;
                        VectorOps.scale(out, qOff, headDim, correction);
                        max = s;
                    }
                    float w = (float) Math.exp(s - max);
                    sum += w;
                    cache.addValue(p, kvh, w, out, qOff);
                }
                VectorOps.scale(out, qOff, headDim, (float) (1.0 / sum));
            }
        });
    }
}
