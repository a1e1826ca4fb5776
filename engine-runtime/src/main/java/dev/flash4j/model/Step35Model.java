package dev.flash4j.model;

import dev.flash4j.attention.AttentionKernel;
import dev.flash4j.attention.KvCacheType;
import dev.flash4j.attention.LayerKvCache;
import dev.flash4j.attention.Rope;
import dev.flash4j.core.MatMul;
import dev.flash4j.core.VectorOps;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.moe.FeedForward;

/**
 * The Step 3.5 forward pass over kernels that know nothing of the model (see
 * {@code docs/architecture.md}). A batch of tokens at consecutive positions goes through every
 * main block; each block is attention (q/k norm, partial RoPE, sliding window or full, head-wise
 * sigmoid gate) then a dense SwiGLU FFN or a sigmoid-routed mixture of experts with a shared expert.
 */
public final class Step35Model {
    private final Step35Config config;
    private final Step35Weights weights;
    private final Rope[] ropes;

    public Step35Model(Step35Config config, Step35Weights weights) {
        this.config = config;
        this.weights = weights;
        this.ropes = new Rope[config.blocks()];
        for (int il = 0; il < config.blocks(); il++) {
            float[] factors = config.ropeFactorsApply(il) ? weights.ropeFactors() : null;
            ropes[il] = new Rope(config.ropeDims()[il], config.ropeBase()[il], factors);
        }
    }

    public Step35Config config() {
        return config;
    }

    public Step35Weights weights() {
        return weights;
    }

    public Step35State newState(KvCacheType kvType, int contextSize, int maxBatch) {
        return new Step35State(config, kvType, contextSize, maxBatch);
    }

    /**
     * Feeds {@code tokens} at the state's next positions, in batches of at most the state's batch
     * size. Writes the logits of every token ({@code allLogits}) or of the last one into
     * {@code logits} (row-major, {@code vocab} per row).
     */
    public void forward(WorkerPool pool, Step35State st, int[] tokens, boolean allLogits, float[] logits) {
        if (st.position + tokens.length > st.contextSize) {
            throw new IllegalStateException("context is full: " + st.position + " + " + tokens.length + " tokens exceed the context size of " + st.contextSize + " (raise --ctx)");
        }
        for (int t : tokens) {
            if (t < 0 || t >= config.vocab()) throw new IllegalArgumentException("token id " + t + " is out of range 0.." + (config.vocab() - 1));
        }
        for (int start = 0; start < tokens.length; start += st.maxBatch) {
            int n = Math.min(st.maxBatch, tokens.length - start);
            boolean last = start + n == tokens.length;
            forwardBatch(pool, st, tokens, start, n);
            if (allLogits) {
                outputLogits(pool, st, 0, n, logits, start);
            } else if (last) {
                outputLogits(pool, st, n - 1, 1, logits, 0);
            }
        }
    }

    private void forwardBatch(WorkerPool pool, Step35State st, int[] tokens, int off, int n) {
        int d = config.embedding();
        for (int b = 0; b < n; b++) weights.tokenEmbedding().dequantizeRow(tokens[off + b], st.x, b * d);
        for (int il = 0; il < config.layers(); il++) {
            Step35Weights.Block w = weights.blocks()[il];
            attention(pool, st, il, w, n);
            feedForward(pool, st, il, w, n);
        }
        st.position += n;
    }

    /** {@code x += Wo(gate * attention(norm(x)))} for block {@code il}. */
    private void attention(WorkerPool pool, Step35State st, int il, Step35Weights.Block w, int n) {
        int d = config.embedding(), hd = config.headDim(), nh = config.heads()[il], nkv = config.kvHeads()[il];
        for (int b = 0; b < n; b++) VectorOps.rmsNorm(st.x, b * d, w.attnNorm(), config.rmsEps(), st.h, b * d, d);
        MatMul.matmul(pool, w.wq(), st.h, n, st.q);
        MatMul.matmul(pool, w.wk(), st.h, n, st.k);
        MatMul.matmul(pool, w.wv(), st.h, n, st.v);
        MatMul.matmul(pool, w.wGate(), st.h, n, st.gate);
        LayerKvCache cache = st.caches[il];
        Rope rope = ropes[il];
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < nh; j++) VectorOps.rmsNorm(st.q, (b * nh + j) * hd, w.qNorm(), config.rmsEps(), st.q, (b * nh + j) * hd, hd);
            for (int j = 0; j < nkv; j++) VectorOps.rmsNorm(st.k, (b * nkv + j) * hd, w.kNorm(), config.rmsEps(), st.k, (b * nkv + j) * hd, hd);
            rope.angles(st.position + b, st.cos, st.sin);
            rope.apply(st.q, b * nh * hd, nh, hd, st.cos, st.sin);
            rope.apply(st.k, b * nkv * hd, nkv, hd, st.cos, st.sin);
            cache.store(st.position + b, st.k, b * nkv * hd, st.v, b * nkv * hd);
        }
        AttentionKernel.attend(pool, cache, st.q, nh * hd, n, st.position, nh, nkv, hd, config.windowOf(il), st.attn);
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < nh; j++) VectorOps.scale(st.attn, (b * nh + j) * hd, hd, VectorOps.sigmoid(st.gate[b * nh + j]));
        }
        MatMul.matmul(pool, w.wo(), st.attn, n, st.proj);
        for (int b = 0; b < n; b++) VectorOps.add(st.x, b * d, st.proj, b * d, d);
    }

    /** {@code x += ffn(norm(x))}: dense, or routed experts plus the shared expert. */
    private void feedForward(WorkerPool pool, Step35State st, int il, Step35Weights.Block w, int n) {
        int d = config.embedding();
        for (int b = 0; b < n; b++) VectorOps.rmsNorm(st.x, b * d, w.ffnNorm(), config.rmsEps(), st.h, b * d, d);
        int[] all = st.tokensOfExpert;
        for (int b = 0; b < n; b++) all[b] = b;
        if (w.dense() != null) {
            w.dense().addTo(pool, st.h, d, all, null, n, st.x, st.ffGate, st.ffUp, st.ffDown);
            return;
        }
        Step35Weights.Moe moe = w.moe();
        int ne = config.experts(), k = moe.routing().topK();
        MatMul.matmul(pool, moe.router(), st.h, n, st.router);
        for (int b = 0; b < n; b++) moe.routing().route(st.router, b * ne, st.expertIds, st.expertWeights, b * k);
        if (moe.shared() != null) moe.shared().addTo(pool, st.h, d, all, null, n, st.x, st.ffGate, st.ffUp, st.ffDown);
        // group the batch by expert so each expert's weights are read once for all its tokens
        for (int e = 0; e < ne; e++) {
            int count = 0;
            for (int b = 0; b < n; b++) {
                for (int j = 0; j < k; j++) {
                    if (st.expertIds[b * k + j] == e) {
                        st.tokensOfExpert[count] = b;
                        st.weightsOfExpert[count++] = st.expertWeights[b * k + j];
                    }
                }
            }
            if (count > 0) {
                FeedForward expert = moe.experts()[e];
                expert.addTo(pool, st.h, d, st.tokensOfExpert, st.weightsOfExpert, count, st.x, st.ffGate, st.ffUp, st.ffDown);
            }
        }
    }

    /** Logits of batch rows {@code [first, first+count)} into {@code out} rows starting at {@code outRow}. */
    private void outputLogits(WorkerPool pool, Step35State st, int first, int count, float[] out, int outRow) {
        int d = config.embedding(), vocab = config.vocab();
        for (int b = 0; b < count; b++) VectorOps.rmsNorm(st.x, (first + b) * d, weights.outputNorm(), config.rmsEps(), st.h, b * d, d);
        MatMul.matmul(pool, weights.output(), st.h, count, out, outRow * vocab);
    }
}
