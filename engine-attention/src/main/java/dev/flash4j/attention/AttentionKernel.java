package dev.flash4j.attention;

import dev.flash4j.core.VectorOps;
import dev.flash4j.core.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
 * can see in tiles of {@link #TILE} positions: it widens the tile's keys and values to floats once
 * ({@code keys[t*headDim ..]}, {@code values[t*headDim ..]}), then for every token of the block and
 * the query heads of the group, four at a time ({@link #HEADS_PER_PASS}; the rest one by one),
 * computes the tile's scores, takes their maximum, rescales the running output once if that
 * maximum is new, and accumulates the weighted values with output chunks held in registers across
 * the tile. Softmax is the usual online one (running maximum and
 * sum per query head) at tile granularity, so no buffer grows with the context and the result is
 * the same sum as a plain softmax up to float rounding.
 */
public final class AttentionKernel {
    /** Query tokens per task: enough to reuse each widened key, few enough to spread a prompt over the threads. */
    private static final int QUERY_BLOCK = 16;
    /** Positions per tile: widened keys and values of a tile stay in L1/L2. */
    static final int TILE = 64;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /**
     * Query heads of one KV group taken together through a tile: each key or value vector loaded
     * then feeds four heads' FMAs. One head at a time, the kernel was bound by loads (a key chunk
     * and a query chunk per FMA in the scores, a value chunk per FMA in the weighted sum).
     */
    static final int HEADS_PER_PASS = 4;

    /** Per-thread buffers of one task: widened tile keys and values, and one query's scores. */
    private static final class Scratch {
        final float[] keys, values, scores;
        final float[] max;
        final double[] sum;

        Scratch(int headDim, int queries) {
            keys = new float[TILE * headDim];
            values = new float[TILE * headDim];
            scores = new float[HEADS_PER_PASS * TILE];
            max = new float[queries];
            sum = new double[queries];
        }

        boolean fits(int headDim, int queries) {
            return keys.length == TILE * headDim && max.length >= queries;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = new ThreadLocal<>();

    private AttentionKernel() {}

    private static Scratch scratch(int headDim, int queries) {
        Scratch s = SCRATCH.get();
        if (s == null || !s.fits(headDim, queries)) {
            s = new Scratch(headDim, queries);
            SCRATCH.set(s);
        }
        return s;
    }

    /**
     * The calling thread's loop body, reused across calls: a lambda capturing the call's arguments
     * would be a new object per call (the pool keeps it in a field, so it escapes). The pool runs
     * one loop at a time and the caller waits for it, so one object per calling thread suffices.
     */
    private static final ThreadLocal<AttendLoop> LOOP = ThreadLocal.withInitial(AttendLoop::new);

    public static void attend(WorkerPool pool, LayerKvCache cache, float[] q, int qStride, int batch, int pos0,
                              int heads, int kvHeads, int headDim, int window, float[] out) {
        int blocks = (batch + QUERY_BLOCK - 1) / QUERY_BLOCK;
        AttendLoop loop = LOOP.get().set(cache, q, qStride, batch, pos0, heads, kvHeads, headDim, window, out);
        try {
            pool.parallelFor(kvHeads * blocks, 1, loop);
        } finally {
            loop.clear(); // keeps no cache or arrays reachable after the call
        }
    }

    /** Tasks {@code [start, end)}: task {@code g + kvHeads*block} is KV head {@code g} for query block {@code block}. */
    private static final class AttendLoop implements WorkerPool.RangeTask {
        private LayerKvCache cache;
        private float[] q, out;
        private int qStride, batch, pos0, kvHeads, headDim, window, group;
        private float scale;

        AttendLoop set(LayerKvCache cache, float[] q, int qStride, int batch, int pos0,
                       int heads, int kvHeads, int headDim, int window, float[] out) {
            this.cache = cache;
            this.q = q;
            this.qStride = qStride;
            this.batch = batch;
            this.pos0 = pos0;
            this.kvHeads = kvHeads;
            this.headDim = headDim;
            this.window = window;
            this.out = out;
            this.group = heads / kvHeads;
            this.scale = (float) (1.0 / Math.sqrt(headDim));
            return this;
        }

        void clear() {
            cache = null;
            q = out = null;
        }

        @Override
        public void run(int start, int end) {
            Scratch sc = scratch(headDim, QUERY_BLOCK * group);
            float[] max = sc.max;
            double[] sum = sc.sum;
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
                for (int p0 = first; p0 <= last; p0 += TILE) {
                    int count = Math.min(TILE, last + 1 - p0);
                    cache.readKeys(p0, count, g, sc.keys, 0);
                    cache.readValues(p0, count, g, sc.values, 0);
                    for (int b = b0; b < b1; b++) {
                        // positions of this tile token b sees: causal (p <= pos0 + b) and inside the window
                        int lo = window > 0 ? Math.max(p0, pos0 + b - window + 1) : p0;
                        int hi = Math.min(p0 + count, pos0 + b + 1);
                        if (lo >= hi) continue;
                        int j = 0;
                        for (; j + HEADS_PER_PASS <= group; j += HEADS_PER_PASS) {
                            attendTile4(q, b * qStride + (g * group + j) * headDim, sc, lo - p0, hi - p0, headDim, scale, max, sum, (b - b0) * group + j, out);
                        }
                        for (; j < group; j++) {
                            int o = b * qStride + (g * group + j) * headDim;
                            int k = (b - b0) * group + j;
                            attendTile(q, o, sc, lo - p0, hi - p0, headDim, scale, max, sum, k, out);
                        }
                    }
                }
                for (int b = b0; b < b1; b++) {
                    for (int j = 0; j < group; j++) {
                        scaleRow(out, b * qStride + (g * group + j) * headDim, headDim, (float) (1.0 / sum[(b - b0) * group + j]));
                    }
                }
            }
        }
    }

    /** One query row {@code q[o ..]} against tile positions {@code [t0, t1)}: online-softmax update of {@code out[o ..]}. */
    private static void attendTile(float[] q, int o, Scratch sc, int t0, int t1, int headDim, float scale,
                                   float[] max, double[] sum, int k, float[] out) {
        float[] keys = sc.keys, values = sc.values, scores = sc.scores;
        scores(q, o, keys, t0, t1, headDim, scale, scores);
        weights(scores, 0, t0, t1, max, sum, k, out, o, headDim);
        int len = S.length();
        // out += sum_t w_t * value_t, four output chunks at a time held in registers across the tile:
        // four independent FMA chains (one chain waits out the FMA latency at every position)
        int bound = S.loopBound(headDim);
        int i = 0;
        for (; i + 4 * len <= bound; i += 4 * len) {
            FloatVector a0 = FloatVector.fromArray(S, out, o + i), a1 = FloatVector.fromArray(S, out, o + i + len);
            FloatVector a2 = FloatVector.fromArray(S, out, o + i + 2 * len), a3 = FloatVector.fromArray(S, out, o + i + 3 * len);
            for (int u = t0; u < t1; u++) {
                FloatVector w = FloatVector.broadcast(S, scores[u]);
                int v = u * headDim + i;
                a0 = FloatVector.fromArray(S, values, v).fma(w, a0);
                a1 = FloatVector.fromArray(S, values, v + len).fma(w, a1);
                a2 = FloatVector.fromArray(S, values, v + 2 * len).fma(w, a2);
                a3 = FloatVector.fromArray(S, values, v + 3 * len).fma(w, a3);
            }
            a0.intoArray(out, o + i);
            a1.intoArray(out, o + i + len);
            a2.intoArray(out, o + i + 2 * len);
            a3.intoArray(out, o + i + 3 * len);
        }
        for (; i < bound; i += len) {
            FloatVector acc = FloatVector.fromArray(S, out, o + i);
            for (int u = t0; u < t1; u++) {
                acc = FloatVector.fromArray(S, values, u * headDim + i).fma(FloatVector.broadcast(S, scores[u]), acc);
            }
            acc.intoArray(out, o + i);
        }
        for (; i < headDim; i++) {
            float a = out[o + i];
            for (int u = t0; u < t1; u++) a += scores[u] * values[u * headDim + i];
            out[o + i] = a;
        }
    }

    /**
     * Softmax bookkeeping of one query row over a tile, scores at {@code scores[off + t]}: the
     * tile's maximum, a rescale of the row's output and sum if it raised the running maximum
     * {@code max[k]}, then the scores replaced by their weights {@code exp(s - max)}, added to
     * {@code sum[k]}.
     */
    private static void weights(float[] scores, int off, int t0, int t1, float[] max, double[] sum, int k, float[] out, int o, int headDim) {
        float tileMax = Float.NEGATIVE_INFINITY;
        for (int t = off + t0; t < off + t1; t++) tileMax = Math.max(tileMax, scores[t]);
        float m = max[k];
        if (tileMax > m) {
            if (m != Float.NEGATIVE_INFINITY) {
                float correction = (float) Math.exp(m - tileMax);
                sum[k] *= correction;
                scaleRow(out, o, headDim, correction);
            }
            m = tileMax;
            max[k] = m;
        }
        // weights exp(s - m), vectorized: several times faster than Math.exp per value
        float tileSum = VectorOps.exp(scores, off + t0, t1 - t0, 1f, m, scores, off + t0);
        sum[k] += tileSum;
    }

    /**
     * Four query heads (rows {@code q[o + h*headDim ..]} for h < 4, softmax slots {@code k .. k+3})
     * against tile positions {@code [t0, t1)}: as {@link #attendTile}, with every key and value
     * vector loaded once for the four heads. Head h's scores and weights are at
     * {@code sc.scores[h*TILE + t]}.
     */
    private static void attendTile4(float[] q, int o, Scratch sc, int t0, int t1, int headDim, float scale,
                                    float[] max, double[] sum, int k, float[] out) {
        float[] scores = sc.scores;
        // 4 keys x 4 heads need 16 accumulators plus 4 query vectors: too many for AVX2's 16 registers
        if (S.length() >= 16) scores4(q, o, sc.keys, t0, t1, headDim, scale, scores);
        else scores4x2(q, o, sc.keys, t0, t1, headDim, scale, scores);
        for (int h = 0; h < HEADS_PER_PASS; h++) weights(scores, h * TILE, t0, t1, max, sum, k + h, out, o + h * headDim, headDim);
        values4(scores, sc.values, t0, t1, headDim, out, o);
    }

    /** Scores of four heads (rows at {@code q[o + h*headDim]}) for tile keys {@code [t0, t1)}, four keys per pass: 16 accumulators. */
    private static void scores4(float[] q, int o, float[] keys, int t0, int t1, int headDim, float scale, float[] scores) {
        int len = S.length(), bound = S.loopBound(headDim);
        int o1 = o + headDim, o2 = o1 + headDim, o3 = o2 + headDim;
        int t = t0;
        for (; t + 4 <= t1; t += 4) {
            int k0 = t * headDim, k1 = k0 + headDim, k2 = k1 + headDim, k3 = k2 + headDim;
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
            for (int i = 0; i < bound; i += len) {
                FloatVector q0 = FloatVector.fromArray(S, q, o + i), q1 = FloatVector.fromArray(S, q, o1 + i);
                FloatVector q2 = FloatVector.fromArray(S, q, o2 + i), q3 = FloatVector.fromArray(S, q, o3 + i);
                FloatVector x = FloatVector.fromArray(S, keys, k0 + i);
                a00 = x.fma(q0, a00); a10 = x.fma(q1, a10); a20 = x.fma(q2, a20); a30 = x.fma(q3, a30);
                x = FloatVector.fromArray(S, keys, k1 + i);
                a01 = x.fma(q0, a01); a11 = x.fma(q1, a11); a21 = x.fma(q2, a21); a31 = x.fma(q3, a31);
                x = FloatVector.fromArray(S, keys, k2 + i);
                a02 = x.fma(q0, a02); a12 = x.fma(q1, a12); a22 = x.fma(q2, a22); a32 = x.fma(q3, a32);
                x = FloatVector.fromArray(S, keys, k3 + i);
                a03 = x.fma(q0, a03); a13 = x.fma(q1, a13); a23 = x.fma(q2, a23); a33 = x.fma(q3, a33);
            }
            // reduced here, not in a helper: a vector passed to a method C2 does not inline is boxed
            int s1 = TILE + t, s2 = 2 * TILE + t, s3 = 3 * TILE + t;
            scores[t] = (a00.reduceLanes(VectorOperators.ADD) + tail(q, o, keys, k0, bound, headDim)) * scale;
            scores[t + 1] = (a01.reduceLanes(VectorOperators.ADD) + tail(q, o, keys, k1, bound, headDim)) * scale;
            scores[t + 2] = (a02.reduceLanes(VectorOperators.ADD) + tail(q, o, keys, k2, bound, headDim)) * scale;
            scores[t + 3] = (a03.reduceLanes(VectorOperators.ADD) + tail(q, o, keys, k3, bound, headDim)) * scale;
            scores[s1] = (a10.reduceLanes(VectorOperators.ADD) + tail(q, o1, keys, k0, bound, headDim)) * scale;
            scores[s1 + 1] = (a11.reduceLanes(VectorOperators.ADD) + tail(q, o1, keys, k1, bound, headDim)) * scale;
            scores[s1 + 2] = (a12.reduceLanes(VectorOperators.ADD) + tail(q, o1, keys, k2, bound, headDim)) * scale;
            scores[s1 + 3] = (a13.reduceLanes(VectorOperators.ADD) + tail(q, o1, keys, k3, bound, headDim)) * scale;
            scores[s2] = (a20.reduceLanes(VectorOperators.ADD) + tail(q, o2, keys, k0, bound, headDim)) * scale;
            scores[s2 + 1] = (a21.reduceLanes(VectorOperators.ADD) + tail(q, o2, keys, k1, bound, headDim)) * scale;
            scores[s2 + 2] = (a22.reduceLanes(VectorOperators.ADD) + tail(q, o2, keys, k2, bound, headDim)) * scale;
            scores[s2 + 3] = (a23.reduceLanes(VectorOperators.ADD) + tail(q, o2, keys, k3, bound, headDim)) * scale;
            scores[s3] = (a30.reduceLanes(VectorOperators.ADD) + tail(q, o3, keys, k0, bound, headDim)) * scale;
            scores[s3 + 1] = (a31.reduceLanes(VectorOperators.ADD) + tail(q, o3, keys, k1, bound, headDim)) * scale;
            scores[s3 + 2] = (a32.reduceLanes(VectorOperators.ADD) + tail(q, o3, keys, k2, bound, headDim)) * scale;
            scores[s3 + 3] = (a33.reduceLanes(VectorOperators.ADD) + tail(q, o3, keys, k3, bound, headDim)) * scale;
        }
        remainingScores(q, o, keys, t, t1, headDim, scale, scores);
    }

    /**
     * {@link #scores4} two keys per pass (8 accumulators, 4 query vectors, 1 key: 13 registers), for
     * 256-bit vectors: with four keys, C2 kept some of the 21 vectors on the stack in the inner loop
     * (AVX2 has 16 vector registers, AVX-512 32).
     */
    private static void scores4x2(float[] q, int o, float[] keys, int t0, int t1, int headDim, float scale, float[] scores) {
        int len = S.length(), bound = S.loopBound(headDim);
        int o1 = o + headDim, o2 = o1 + headDim, o3 = o2 + headDim;
        int t = t0;
        for (; t + 2 <= t1; t += 2) {
            int k0 = t * headDim, k1 = k0 + headDim;
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            for (int i = 0; i < bound; i += len) {
                FloatVector q0 = FloatVector.fromArray(S, q, o + i), q1 = FloatVector.fromArray(S, q, o1 + i);
                FloatVector q2 = FloatVector.fromArray(S, q, o2 + i), q3 = FloatVector.fromArray(S, q, o3 + i);
                FloatVector x = FloatVector.fromArray(S, keys, k0 + i);
                a00 = x.fma(q0, a00); a10 = x.fma(q1, a10); a20 = x.fma(q2, a20); a30 = x.fma(q3, a30);
                x = FloatVector.fromArray(S, keys, k1 + i);
                a01 = x.fma(q0, a01); a11 = x.fma(q1, a11); a21 = x.fma(q2, a21); a31 = x.fma(q3, a31);
            }
            // reduced here, not in a helper: a vector passed to a method C2 does not inline is boxed
            int s1 = TILE + t, s2 = 2 * TILE + t, s3 = 3 * TILE + t;
            scores[t] = (a00.reduceLanes(VectorOperators.ADD) + tail(q, o, keys, k0, bound, headDim)) * scale;
            scores[t + 1] = (a01.reduceLanes(VectorOperators.ADD) + tail(q, o, keys, k1, bound, headDim)) * scale;
            scores[s1] = (a10.reduceLanes(VectorOperators.ADD) + tail(q, o1, keys, k0, bound, headDim)) * scale;
            scores[s1 + 1] = (a11.reduceLanes(VectorOperators.ADD) + tail(q, o1, keys, k1, bound, headDim)) * scale;
            scores[s2] = (a20.reduceLanes(VectorOperators.ADD) + tail(q, o2, keys, k0, bound, headDim)) * scale;
            scores[s2 + 1] = (a21.reduceLanes(VectorOperators.ADD) + tail(q, o2, keys, k1, bound, headDim)) * scale;
            scores[s3] = (a30.reduceLanes(VectorOperators.ADD) + tail(q, o3, keys, k0, bound, headDim)) * scale;
            scores[s3 + 1] = (a31.reduceLanes(VectorOperators.ADD) + tail(q, o3, keys, k1, bound, headDim)) * scale;
        }
        remainingScores(q, o, keys, t, t1, headDim, scale, scores);
    }

    /** The four heads' scores for keys {@code [t0, t1)} one key at a time: the keys after the last whole pass of {@link #scores4} or {@link #scores4x2}. */
    private static void remainingScores(float[] q, int o, float[] keys, int t0, int t1, int headDim, float scale, float[] scores) {
        for (int t = t0; t < t1; t++) {
            for (int h = 0; h < HEADS_PER_PASS; h++) scores[h * TILE + t] = dot(q, o + h * headDim, keys, t * headDim, headDim) * scale;
        }
    }

    /** {@code sum q[o+i] * keys[k+i]} over the dimensions {@code [from, headDim)} past the last whole vector (none when a vector divides headDim). */
    private static float tail(float[] q, int o, float[] keys, int k, int from, int headDim) {
        float s = 0;
        for (int i = from; i < headDim; i++) s += q[o + i] * keys[k + i];
        return s;
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int len = S.length(), bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += len) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /**
     * {@code out[o + h*headDim ..] += sum_t w[h*TILE + t] * value_t} for four heads: two output
     * chunks of each head held in registers across the tile (8 accumulators), each value vector
     * loaded once for the four heads.
     */
    private static void values4(float[] w, float[] values, int t0, int t1, int headDim, float[] out, int o) {
        int len = S.length(), bound = S.loopBound(headDim);
        int o1 = o + headDim, o2 = o1 + headDim, o3 = o2 + headDim;
        int i = 0;
        for (; i + 2 * len <= bound; i += 2 * len) {
            int j = i + len;
            FloatVector a0 = FloatVector.fromArray(S, out, o + i), b0 = FloatVector.fromArray(S, out, o + j);
            FloatVector a1 = FloatVector.fromArray(S, out, o1 + i), b1 = FloatVector.fromArray(S, out, o1 + j);
            FloatVector a2 = FloatVector.fromArray(S, out, o2 + i), b2 = FloatVector.fromArray(S, out, o2 + j);
            FloatVector a3 = FloatVector.fromArray(S, out, o3 + i), b3 = FloatVector.fromArray(S, out, o3 + j);
            for (int u = t0; u < t1; u++) {
                FloatVector x = FloatVector.fromArray(S, values, u * headDim + i), y = FloatVector.fromArray(S, values, u * headDim + j);
                FloatVector w0 = FloatVector.broadcast(S, w[u]), w1 = FloatVector.broadcast(S, w[TILE + u]);
                FloatVector w2 = FloatVector.broadcast(S, w[2 * TILE + u]), w3 = FloatVector.broadcast(S, w[3 * TILE + u]);
                a0 = x.fma(w0, a0); b0 = y.fma(w0, b0);
                a1 = x.fma(w1, a1); b1 = y.fma(w1, b1);
                a2 = x.fma(w2, a2); b2 = y.fma(w2, b2);
                a3 = x.fma(w3, a3); b3 = y.fma(w3, b3);
            }
            a0.intoArray(out, o + i); b0.intoArray(out, o + j);
            a1.intoArray(out, o1 + i); b1.intoArray(out, o1 + j);
            a2.intoArray(out, o2 + i); b2.intoArray(out, o2 + j);
            a3.intoArray(out, o3 + i); b3.intoArray(out, o3 + j);
        }
        for (int h = 0; h < HEADS_PER_PASS; h++) {
            int oh = o + h * headDim, wh = h * TILE;
            for (int c = i; c < headDim; c++) {
                float a = out[oh + c];
                for (int u = t0; u < t1; u++) a += w[wh + u] * values[u * headDim + c];
                out[oh + c] = a;
            }
        }
    }

    /** {@code scores[t] = scale * dot(q[o ..], keys[t*headDim ..])} for t in {@code [t0, t1)}, four keys per pass over q. */
    private static void scores(float[] q, int o, float[] keys, int t0, int t1, int headDim, float scale, float[] scores) {
        int len = S.length(), bound = S.loopBound(headDim);
        int t = t0;
        for (; t + 4 <= t1; t += 4) {
            int k0 = t * headDim, k1 = k0 + headDim, k2 = k1 + headDim, k3 = k2 + headDim;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int i = 0;
            for (; i < bound; i += len) {
                FloatVector qv = FloatVector.fromArray(S, q, o + i);
                a0 = FloatVector.fromArray(S, keys, k0 + i).fma(qv, a0);
                a1 = FloatVector.fromArray(S, keys, k1 + i).fma(qv, a1);
                a2 = FloatVector.fromArray(S, keys, k2 + i).fma(qv, a2);
                a3 = FloatVector.fromArray(S, keys, k3 + i).fma(qv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; i < headDim; i++) {
                float qi = q[o + i];
                s0 += qi * keys[k0 + i];
                s1 += qi * keys[k1 + i];
                s2 += qi * keys[k2 + i];
                s3 += qi * keys[k3 + i];
            }
            scores[t] = s0 * scale;
            scores[t + 1] = s1 * scale;
            scores[t + 2] = s2 * scale;
            scores[t + 3] = s3 * scale;
        }
        for (; t < t1; t++) {
            int k0 = t * headDim;
            FloatVector a0 = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += len) a0 = FloatVector.fromArray(S, keys, k0 + i).fma(FloatVector.fromArray(S, q, o + i), a0);
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            for (; i < headDim; i++) s0 += q[o + i] * keys[k0 + i];
            scores[t] = s0 * scale;
        }
    }

    private static void scaleRow(float[] x, int off, int n, float a) {
        int len = S.length(), bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += len) FloatVector.fromArray(S, x, off + i).mul(a).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= a;
    }
}
