package dev.flash4j.attention;

import dev.flash4j.core.VectorOps;
import dev.flash4j.core.WorkerPool;

/**
 * Causal grouped-query attention of a batch of query tokens over a {@link LayerKvCache} that
 * already holds the batch's own keys and values.
 *
 * <p>Layout: queries are flat, token {@code b}'s head {@code h} is {@code q[b*qStride + h*headDim ..]};
 * the output has the same layout. Query head {@code h} reads KV head {@code h / (heads / kvHeads)}.
 * Token {@code b} sits at position {@code pos0 + b} and sees positions {@code p <= pos0 + b} with
 * {@code pos0 + b - p < window} (window = 0: unlimited).
 *
 * <p>Work is split by KV head and by blocks of query tokens. A task walks the positions its block
 * can see once, widening each cached key and value to floats once, and applies them to every query
 * head of the group and every token of the block: an f16 or 8-bit cache is converted once per
 * position and task instead of once per query head. Softmax runs online (a running maximum and
 * sum per query head), so no score buffer grows with the context.
 */
public final class AttentionKernel {
    /** Query tokens per task: enough to reuse each widened key, few enough to spread a prompt over the threads. */
    private static final int QUERY_BLOCK = 16;

    private AttentionKernel() {}

    public static void attend(WorkerPool pool, LayerKvCache cache, float[] q, int qStride, int batch, int pos0,
                              int heads, int kvHeads, int headDim, int window, float[] out) {
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int blocks = (batch + QUERY_BLOCK - 1) / QUERY_BLOCK;
        pool.parallelFor(kvHeads * blocks, 1, (start, end) -> {
            float[] key = new float[headDim], value = new float[headDim];
            float[] max = new float[QUERY_BLOCK * group];
            double[] sum = new double[QUERY_BLOCK * group];
            for (int task = start; task < end; task++) {
                int g = task % kvHeads, block = task / kvHeads;
                int b0 = block * QUERY_BLOCK, b1 = Math.min(batch, b0 + QUERY_BLOCK);
                for (int b = b0; b < b1; b++) {
                    for (int j = 0; j < group; j++) {
                        int o = b * qStride + (g * group + j) * headDim;
                        java.util.Arrays.fill(out, o, o + headDim, 0f);
                        max[(b - b0) * group + j] = Float.NEGATIVE_INFINITY;
                        sum[(b - b0) * group + j] = 0;
                    }
                }
                int first = window > 0 ? Math.max(0, pos0 + b0 - window + 1) : 0;
                int last = pos0 + b1 - 1;
                for (int p = first; p <= last; p++) {
                    cache.readKey(p, g, key, 0);
                    cache.readValue(p, g, value, 0);
                    // tokens of the block that see position p: causal (b >= p - pos0) and inside the window
                    int bLo = Math.max(b0, p - pos0);
                    int bHi = window > 0 ? Math.min(b1, p - pos0 + window) : b1;
                    for (int b = bLo; b < bHi; b++) {
                        for (int j = 0; j < group; j++) {
                            int o = b * qStride + (g * group + j) * headDim;
                            int k = (b - b0) * group + j;
                            float s = VectorOps.dot(q, o, key, 0, headDim) * scale;
                            if (s > max[k]) {
                                float correction = (float) Math.exp(max[k] - s);
                                sum[k] *= correction;
                                VectorOps.scale(out, o, headDim, correction);
                                max[k] = s;
                            }
                            float w = (float) Math.exp(s - max[k]);
                            sum[k] += w;
                            VectorOps.axpy(w, value, 0, out, o, headDim);
                        }
                    }
                }
                for (int b = b0; b < b1; b++) {
                    for (int j = 0; j < group; j++) {
                        VectorOps.scale(out, b * qStride + (g * group + j) * headDim, headDim, (float) (1.0 / sum[(b - b0) * group + j]));
                    }
                }
            }
        });
    }
}
