package dev.flash4j.model;

import dev.flash4j.attention.LayerKvCache;
import dev.flash4j.attention.Rope;
import dev.flash4j.core.VectorOps;
import dev.flash4j.core.WorkerPool;

/**
 * The per-token loops of {@link Step35Model} (norms, RoPE, gates, residual adds), as loop bodies
 * owned by one session's {@link Step35State} and reused for every call.
 *
 * <p>Why objects and not lambdas: a lambda that captures a call's arguments is a new object per
 * call, and the pool may keep it in a field for its workers, so decoding would allocate a few
 * hundred bytes per token. A session runs on one thread, the pool runs one loop at a time and the
 * caller waits for it, so one object per loop suffices; each call sets its fields first (workers
 * see them through the pool's volatile publication of the loop). The objects only ever point at
 * the session's own buffers and the model's weights, so nothing needs clearing after a loop.
 */
final class Step35Loops {
    final RmsNormRows rmsNormRows = new RmsNormRows();
    final QkNormRopeStore qkNormRopeStore = new QkNormRopeStore();
    final GateHeads gateHeads = new GateHeads();
    final AddRows addRows = new AddRows();

    /** {@code dst row b = rmsNorm(src row b) * weight} for rows of {@code d} values. */
    static final class RmsNormRows implements WorkerPool.RangeTask {
        private float[] src, weight, dst;
        private float eps;
        private int d;

        RmsNormRows set(float[] src, float[] weight, float eps, float[] dst, int d) {
            this.src = src;
            this.weight = weight;
            this.eps = eps;
            this.dst = dst;
            this.d = d;
            return this;
        }

        @Override
        public void run(int start, int end) {
            for (int b = start; b < end; b++) VectorOps.rmsNorm(src, b * d, weight, eps, dst, b * d, d);
        }
    }

    /**
     * Per token of the batch: q and k head norms, RoPE at the token's position, and the store of
     * its keys and values into the KV cache. Tokens are independent and each writes its own cache
     * slot, so a prompt's tokens are spread over the pool.
     */
    static final class QkNormRopeStore implements WorkerPool.RangeTask {
        private Step35State st;
        private float[] qNorm, kNorm;
        private float eps;
        private Rope rope;
        private LayerKvCache cache;
        private int nh, nkv, hd, index0, ropeShift;

        QkNormRopeStore set(Step35State st, float[] qNorm, float[] kNorm, float eps, Rope rope, LayerKvCache cache,
                            int nh, int nkv, int hd, int index0, int ropeShift) {
            this.st = st;
            this.qNorm = qNorm;
            this.kNorm = kNorm;
            this.eps = eps;
            this.rope = rope;
            this.cache = cache;
            this.nh = nh;
            this.nkv = nkv;
            this.hd = hd;
            this.index0 = index0;
            this.ropeShift = ropeShift;
            return this;
        }

        @Override
        public void run(int start, int end) {
            // the chunk that starts at token 0 runs on one thread only: it may use the state's buffers;
            // other chunks (prompts of several tokens) take buffers of the thread that runs them
            float[] cos = start == 0 ? st.cos : threadAngles(st.cos.length, 0), sin = start == 0 ? st.sin : threadAngles(st.sin.length, 1);
            for (int b = start; b < end; b++) {
                for (int j = 0; j < nh; j++) VectorOps.rmsNorm(st.q, (b * nh + j) * hd, qNorm, eps, st.q, (b * nh + j) * hd, hd);
                for (int j = 0; j < nkv; j++) VectorOps.rmsNorm(st.k, (b * nkv + j) * hd, kNorm, eps, st.k, (b * nkv + j) * hd, hd);
                rope.angles(index0 + b + ropeShift, cos, sin);
                rope.apply(st.q, b * nh * hd, nh, hd, cos, sin);
                rope.apply(st.k, b * nkv * hd, nkv, hd, cos, sin);
                cache.store(index0 + b, st.k, b * nkv * hd, st.v, b * nkv * hd);
            }
        }
    }

    /**
     * Per thread, the cosines [0] and sines [1] of RoPE for the chunks of a batch that do not start
     * at token 0 (they run on several threads at once, so cannot share the state's buffers).
     */
    private static final ThreadLocal<float[][]> ANGLES = ThreadLocal.withInitial(() -> new float[2][0]);

    private static float[] threadAngles(int length, int which) {
        float[][] angles = ANGLES.get();
        if (angles[which].length != length) angles[which] = new float[length];
        return angles[which];
    }

    /** Scales each head's attention output {@code st.attn} by the sigmoid of its gate {@code st.gate}. */
    static final class GateHeads implements WorkerPool.RangeTask {
        private Step35State st;
        private int nh, hd;

        GateHeads set(Step35State st, int nh, int hd) {
            this.st = st;
            this.nh = nh;
            this.hd = hd;
            return this;
        }

        @Override
        public void run(int start, int end) {
            for (int b = start; b < end; b++) {
                for (int j = 0; j < nh; j++) VectorOps.scale(st.attn, (b * nh + j) * hd, hd, VectorOps.sigmoid(st.gate[b * nh + j]));
            }
        }
    }

    /** {@code y row b += x row b} for rows of {@code d} values. */
    static final class AddRows implements WorkerPool.RangeTask {
        private float[] y, x;
        private int d;

        AddRows set(float[] y, float[] x, int d) {
            this.y = y;
            this.x = x;
            this.d = d;
            return this;
        }

        @Override
        public void run(int start, int end) {
            for (int b = start; b < end; b++) VectorOps.add(y, b * d, x, b * d, d);
        }
    }
}
