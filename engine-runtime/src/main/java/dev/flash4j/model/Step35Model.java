package dev.flash4j.model;

import dev.flash4j.attention.AttentionKernel;
import dev.flash4j.attention.KvCacheType;
import dev.flash4j.attention.LayerKvCache;
import dev.flash4j.attention.Rope;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.MatMul;
import dev.flash4j.core.MatVecBatch;
import dev.flash4j.core.VectorOps;
import dev.flash4j.core.WeightMatrix;
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
    /** Fewest tokens per thread for the per-token loops (norms, RoPE, gates): below that the loop stays on the caller. */
    private static final int TOKEN_GRAIN = 8;
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
        return new Step35State(config, kvType, contextSize, maxBatch, ActivationPrecision.F32);
    }

    /** A session state whose quantized matrix products take {@code activations} (F32 exact, Q8 faster). */
    public Step35State newState(KvCacheType kvType, int contextSize, int maxBatch, ActivationPrecision activations) {
        return new Step35State(config, kvType, contextSize, maxBatch, activations);
    }

    /**
     * Feeds {@code tokens} at the state's next positions, in batches of at most the state's batch
     * size. Writes the logits of every token ({@code allLogits}) or of the last one into
     * {@code logits} (row-major, {@code vocab} per row). When {@code hidden} is not null it receives
     * the final hidden state after {@code output_norm} of every token (what MTP level 1 reads).
     */
    public void forward(WorkerPool pool, Step35State st, int[] tokens, boolean allLogits, float[] logits, float[] hidden) {
        checkRoom(st, st.position, tokens.length);
        for (int t : tokens) {
            if (t < 0 || t >= config.vocab()) throw new IllegalArgumentException("token id " + t + " is out of range 0.." + (config.vocab() - 1));
        }
        int d = config.embedding();
        for (int start = 0; start < tokens.length; start += st.maxBatch) {
            int n = Math.min(st.maxBatch, tokens.length - start);
            for (int b = 0; b < n; b++) weights.tokenEmbedding().dequantizeRow(tokens[start + b], st.x, b * d);
            for (int il = 0; il < config.layers(); il++) block(pool, st, il, n, st.position, 0);
            st.position += n;
            output(pool, st, weights.outputNorm(), weights.output(), n, allLogits, start + n == tokens.length, logits, hidden, start);
        }
    }

    public void forward(WorkerPool pool, Step35State st, int[] tokens, boolean allLogits, float[] logits) {
        forward(pool, st, tokens, allLogits, logits, null);
    }

    /**
     * One MTP level ({@code level} = 1..M) over {@code tokens.length} consecutive indices starting at
     * {@code index0}: index {@code i} combines the embedding of {@code tokens[i]} (the id {@code level}
     * steps ahead) with {@code prevHidden} row {@code i} (level {@code level-1}'s output at the same
     * index; level 0 is the main model after output_norm), runs the level's decoder block at RoPE
     * position {@code index0 + i + level - 1} over the level's own KV cache, and writes the level's
     * logits (skipped when {@code logits} is null: a level that only catches up) and its hidden
     * output (before {@code shared_head_norm}) for every row.
     */
    public void mtpForward(WorkerPool pool, Step35State st, int level, int[] tokens, float[] prevHidden, int index0,
                           boolean allLogits, float[] logits, float[] hidden) {
        if (level < 1 || level > config.mtpLayers()) throw new IllegalArgumentException("MTP level " + level + " is not in 1.." + config.mtpLayers());
        checkRoom(st, index0, tokens.length);
        int il = config.layers() + level - 1, d = config.embedding();
        Step35Weights.Mtp mtp = weights.blocks()[il].mtp();
        WeightMatrix embedding = mtp.embedding() != null ? mtp.embedding() : weights.tokenEmbedding();
        WeightMatrix head = mtp.head() != null ? mtp.head() : weights.output();
        for (int start = 0; start < tokens.length; start += st.maxBatch) {
            int n = Math.min(st.maxBatch, tokens.length - start);
            for (int b = 0; b < n; b++) {
                embedding.dequantizeRow(tokens[start + b], st.h, b * d);
                VectorOps.rmsNorm(st.h, b * d, mtp.enorm(), config.rmsEps(), st.proj, 2 * b * d, d);
                VectorOps.rmsNorm(prevHidden, (start + b) * d, mtp.hnorm(), config.rmsEps(), st.proj, 2 * b * d + d, d);
            }
            MatMul.matmul(pool, mtp.ehProj(), st.proj, n, st.x, 0, st.activations);
            block(pool, st, il, n, index0 + start, level - 1);
            if (hidden != null) System.arraycopy(st.x, 0, hidden, start * d, n * d);
            if (logits != null) output(pool, st, mtp.headNorm(), head, n, allLogits, start + n == tokens.length, logits, null, start);
        }
    }

    private static void checkRoom(Step35State st, int index0, int count) {
        if (index0 + count > st.contextSize) {
            throw new IllegalStateException("context is full: " + index0 + " + " + count + " tokens exceed the context size of " + st.contextSize + " (raise --ctx)");
        }
    }

    private void block(WorkerPool pool, Step35State st, int il, int n, int index0, int ropeShift) {
        Step35Weights.Block w = weights.blocks()[il];
        attention(pool, st, il, w, n, index0, ropeShift);
        feedForward(pool, st, il, w, n);
    }

    /** {@code x += Wo(gate * attention(norm(x)))} for block {@code il}. */
    private void attention(WorkerPool pool, Step35State st, int il, Step35Weights.Block w, int n, int index0, int ropeShift) {
        int d = config.embedding(), hd = config.headDim(), nh = config.heads()[il], nkv = config.kvHeads()[il];
        rmsNormRows(pool, st, st.x, w.attnNorm(), st.h, n, d);
        if (fusable(n) && MatVecBatch.fits(w.wq(), n) && MatVecBatch.fits(w.wk(), n) && MatVecBatch.fits(w.wv(), n) && MatVecBatch.fits(w.wGate(), n)) {
            // a few tokens: the four projections of the same input in one parallel loop
            st.fused.clear();
            st.fused.add(w.wq(), st.h, 0, d, n, st.q, 0, w.wq().rows());
            st.fused.add(w.wk(), st.h, 0, d, n, st.k, 0, w.wk().rows());
            st.fused.add(w.wv(), st.h, 0, d, n, st.v, 0, w.wv().rows());
            st.fused.add(w.wGate(), st.h, 0, d, n, st.gate, 0, w.wGate().rows());
            st.fused.run(pool);
        } else {
            MatMul.matmul(pool, w.wq(), st.h, n, st.q, 0, st.activations);
            MatMul.matmul(pool, w.wk(), st.h, n, st.k, 0, st.activations);
            MatMul.matmul(pool, w.wv(), st.h, n, st.v, 0, st.activations);
            MatMul.matmul(pool, w.wGate(), st.h, n, st.gate, 0, st.activations);
        }
        LayerKvCache cache = st.caches[il];
        pool.parallelFor(n, TOKEN_GRAIN, st.loops.qkNormRopeStore.set(st, w.qNorm(), w.kNorm(), config.rmsEps(), ropes[il], cache,
                nh, nkv, hd, index0, ropeShift));
        AttentionKernel.attend(pool, cache, st.q, nh * hd, n, index0, nh, nkv, hd, config.windowOf(il), st.attn);
        MatMul.matmul(pool, w.wo(), gateAttention(pool, st, n, nh, hd), n, st.proj, 0, st.activations);
        pool.parallelFor(n, TOKEN_GRAIN, st.loops.addRows.set(st.x, st.proj, d));
    }

    /** Scales each head's attention output by the sigmoid of its gate; returns the gated buffer. */
    private static float[] gateAttention(WorkerPool pool, Step35State st, int n, int nh, int hd) {
        pool.parallelFor(n, TOKEN_GRAIN, st.loops.gateHeads.set(st, nh, hd));
        return st.attn;
    }

    /** {@code dst row b = rmsNorm(src row b) * weight} for rows {@code [0, n)} of {@code d} values, spread over the pool. */
    private void rmsNormRows(WorkerPool pool, Step35State st, float[] src, float[] weight, float[] dst, int n, int d) {
        pool.parallelFor(n, TOKEN_GRAIN, st.loops.rmsNormRows.set(src, weight, config.rmsEps(), dst, d));
    }

    /** Largest pass whose products run fused ({@link #fusable}): decode steps and verify passes. */
    static final int FUSED_MAX_TOKENS = 8;

    /**
     * Whether a pass of {@code n} tokens runs its products fused ({@link MatVecBatch}: several
     * products per parallel loop): up to {@link #FUSED_MAX_TOKENS} tokens, i.e. decode steps and
     * verify passes, with either activation precision.
     */
    private static boolean fusable(int n) {
        return n <= FUSED_MAX_TOKENS;
    }

    /** {@code x += ffn(norm(x))}: dense, or routed experts plus the shared expert. */
    private void feedForward(WorkerPool pool, Step35State st, int il, Step35Weights.Block w, int n) {
        int d = config.embedding();
        rmsNormRows(pool, st, st.x, w.ffnNorm(), st.h, n, d);
        int[] all = st.tokensOfExpert;
        for (int b = 0; b < n; b++) all[b] = b;
        if (w.dense() != null) {
            if (fusable(n)) {
                st.fusedStart[0] = 0;
                fuseAll(st, 0, w.dense(), n);
                if (FeedForward.fusedFits(st.fusedFfns, 1, st.fusedStart, d, st.ffGate, st.ffDown)) {
                    FeedForward.addAllTo(pool, st.fused, st.fusedFfns, 1, st.fusedRows, st.fusedStart, null, st.h, d, st.x, st.ffGate, st.ffUp, st.ffDown);
                    return;
                }
            }
            w.dense().addTo(pool, st.h, d, all, null, n, st.x, st.ffGate, st.ffUp, st.ffDown, st.activations);
            return;
        }
        Step35Weights.Moe moe = w.moe();
        int ne = config.experts(), k = moe.routing().topK();
        MatMul.matmul(pool, moe.router(), st.h, n, st.router, 0, st.activations);
        for (int b = 0; b < n; b++) moe.routing().route(st.router, b * ne, st.expertIds, st.expertWeights, b * k);
        if (fusable(n)) {
            // a few tokens: every chosen expert with its tokens, then the shared one with all; gate/up products in one loop, down in another
            st.fusedStart[0] = 0;
            int count = 0;
            for (int e = 0; e < ne; e++) {
                if (fuseExpert(st, count, moe.experts()[e], e, n, k)) count++;
            }
            if (moe.shared() != null) fuseAll(st, count++, moe.shared(), n);
            if (FeedForward.fusedFits(st.fusedFfns, count, st.fusedStart, d, st.ffGate, st.ffDown)) {
                FeedForward.addAllTo(pool, st.fused, st.fusedFfns, count, st.fusedRows, st.fusedStart, st.fusedWeights, st.h, d, st.x, st.ffGate, st.ffUp, st.ffDown);
                return;
            }
        }
        if (moe.shared() != null) moe.shared().addTo(pool, st.h, d, all, null, n, st.x, st.ffGate, st.ffUp, st.ffDown, st.activations);
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
                expert.addTo(pool, st.h, d, st.tokensOfExpert, st.weightsOfExpert, count, st.x, st.ffGate, st.ffUp, st.ffDown, st.activations);
            }
        }
    }

    /** Appends {@code ffn} as fused FFN {@code j}, taking all {@code n} tokens with weight 1 (the dense FFN, the shared expert). */
    private static void fuseAll(Step35State st, int j, FeedForward ffn, int n) {
        int first = st.fusedStart[j];
        for (int b = 0; b < n; b++) {
            st.fusedRows[first + b] = b;
            st.fusedWeights[first + b] = 1f;
        }
        st.fusedFfns[j] = ffn;
        st.fusedStart[j + 1] = first + n;
    }

    /**
     * Appends expert {@code e} as fused FFN {@code j} with the tokens that chose it among their
     * {@code k} and their routing weights; appends nothing and returns false when no token did.
     */
    private static boolean fuseExpert(Step35State st, int j, FeedForward expert, int e, int n, int k) {
        int first = st.fusedStart[j], at = first;
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < k; c++) {
                if (st.expertIds[b * k + c] == e) {
                    st.fusedRows[at] = b;
                    st.fusedWeights[at++] = st.expertWeights[b * k + c];
                }
            }
        }
        if (at == first) return false;
        st.fusedFfns[j] = expert;
        st.fusedStart[j + 1] = at;
        return true;
    }

    /**
     * After a batch of {@code n} rows starting at token {@code start}: the normalized hidden states
     * of every row into {@code hidden} (if wanted), and logits of every row ({@code allLogits}) or,
     * for the last batch, of its last row only (written to row 0 of {@code logits}).
     */
    private void output(WorkerPool pool, Step35State st, float[] norm, WeightMatrix head, int n, boolean allLogits, boolean lastBatch,
                        float[] logits, float[] hidden, int start) {
        int d = config.embedding();
        if (allLogits || hidden != null) {
            rmsNormRows(pool, st, st.x, norm, st.h, n, d);
            if (hidden != null) System.arraycopy(st.h, 0, hidden, start * d, n * d);
            if (allLogits) {
                MatMul.matmul(pool, head, st.h, n, logits, start * config.vocab(), st.activations);
                return;
            }
            if (lastBatch) {
                System.arraycopy(st.h, (n - 1) * d, st.h, 0, d);
                MatMul.matmul(pool, head, st.h, 1, logits, 0, st.activations);
            }
        } else if (lastBatch) {
            VectorOps.rmsNorm(st.x, (n - 1) * d, norm, config.rmsEps(), st.h, 0, d);
            MatMul.matmul(pool, head, st.h, 1, logits, 0, st.activations);
        }
    }
}
