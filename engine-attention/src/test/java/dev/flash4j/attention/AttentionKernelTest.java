package dev.flash4j.attention;

import dev.flash4j.core.WorkerPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tiled kernel against a plain two-pass softmax in double precision over the same cached
 * (already rounded) keys and values: several query blocks, tiles that end mid-block, a sliding
 * window over a ring that wraps, and a batch that starts deep in the context (decode-like).
 */
class AttentionKernelTest {
    @ParameterizedTest
    @CsvSource({
            // type, heads, kvHeads, headDim, window, pos0, batch, spare ring slots (mod 7)
            "F32, 4, 2, 64, 0, 0, 40, 200",
            "F16, 8, 2, 128, 0, 0, 150, 200",
            "Q8, 4, 1, 128, 0, 130, 1, 200",
            "Q8, 6, 3, 40, 0, 70, 35, 200",
            "F32, 4, 2, 64, 24, 0, 90, 24",
            "F16, 4, 4, 32, 50, 300, 70, 50",
            "Q8, 2, 1, 128, 100, 1000, 3, 100",
            // groups of 8 and 6 query heads per KV head (four at a time, then the rest one by one), a head dim no vector divides
            "Q8, 16, 2, 128, 0, 700, 1, 200",
            "F32, 12, 2, 64, 40, 100, 20, 40",
            "F16, 10, 2, 40, 0, 66, 17, 200",
    })
    void matchesATwoPassSoftmax(KvCacheType type, int heads, int kvHeads, int headDim, int window, int pos0, int batch, int ringExtra) {
        SplittableRandom r = new SplittableRandom(heads * 1000L + headDim * 7L + window + pos0);
        int end = pos0 + batch;
        int capacity = window > 0 ? window + batch + ringExtra % 7 : end;
        LayerKvCache cache = LayerKvCache.create(type, kvHeads, headDim, capacity);
        int row = kvHeads * headDim;
        float[] k = new float[row], v = new float[row];
        int firstStored = window > 0 ? Math.max(0, pos0 - window) : 0;
        for (int p = firstStored; p < end; p++) {
            for (int i = 0; i < row; i++) {
                k[i] = (float) r.nextGaussian() * 2;
                v[i] = (float) r.nextGaussian();
            }
            cache.store(p, k, 0, v, 0);
        }
        int qStride = heads * headDim;
        float[] q = new float[batch * qStride];
        for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian();
        float[] out = new float[q.length];
        try (WorkerPool pool = new WorkerPool(3)) {
            AttentionKernel.attend(pool, cache, q, qStride, batch, pos0, heads, kvHeads, headDim, window, out);
        }
        int group = heads / kvHeads;
        float[] key = new float[headDim], value = new float[headDim];
        for (int b = 0; b < batch; b++) {
            int pos = pos0 + b;
            int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
            for (int h = 0; h < heads; h++) {
                int g = h / group, o = b * qStride + h * headDim;
                double[] s = new double[pos - first + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int p = first; p <= pos; p++) {
                    cache.readKey(p, g, key, 0);
                    double dot = 0;
                    for (int i = 0; i < headDim; i++) dot += (double) q[o + i] * key[i];
                    s[p - first] = dot / Math.sqrt(headDim);
                    max = Math.max(max, s[p - first]);
                }
                double total = 0;
                double[] acc = new double[headDim];
                for (int p = first; p <= pos; p++) {
                    double w = Math.exp(s[p - first] - max);
                    total += w;
                    cache.readValue(p, g, value, 0);
                    for (int i = 0; i < headDim; i++) acc[i] += w * value[i];
                }
                for (int i = 0; i < headDim; i++) {
                    assertEquals(acc[i] / total, out[o + i], 2e-5, type + " token " + b + " head " + h + " dim " + i);
                }
            }
        }
    }
}
