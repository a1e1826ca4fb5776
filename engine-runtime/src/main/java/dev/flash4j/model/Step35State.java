package dev.flash4j.model;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.attention.LayerKvCache;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.MatVecBatch;
import dev.flash4j.moe.FeedForward;

/**
 * Per-session state of a {@code step35} model: the KV cache of every block, the number of
 * positions filled, and scratch buffers for a batch of up to {@code maxBatch} tokens (sized once,
 * so a decode step allocates nothing).
 */
public final class Step35State {
    final Step35Config config;
    final KvCacheType kvType;
    final int contextSize;
    final int maxBatch;
    final ActivationPrecision activations;
    final LayerKvCache[] caches;
    int position;

    // scratch, [maxBatch x width] row-major
    final float[] x, h, q, k, v, gate, attn, proj, logitsRows;
    final float[] ffGate, ffUp, ffDown, router;
    final int[] expertIds, tokensOfExpert;
    final float[] expertWeights, weightsOfExpert;
    final float[] cos, sin;
    /** A single token's products fused into one parallel loop each (see {@code Step35Model}); reused every step. */
    final MatVecBatch fused;
    /**
     * A small batch's FFNs for {@code FeedForward.addAllTo}: the experts its tokens chose and the
     * shared one ({@code fusedFfns}), each FFN's tokens ({@code fusedRows[fusedStart[j] ..
     * fusedStart[j+1])}) and their routing weights ({@code fusedWeights}).
     */
    final FeedForward[] fusedFfns;
    final int[] fusedRows, fusedStart;
    final float[] fusedWeights;
    /** The forward pass's per-token loop bodies, reused by every call on this state. */
    final Step35Loops loops = new Step35Loops();

    Step35State(Step35Config c, KvCacheType kvType, int contextSize, int maxBatch, ActivationPrecision activations) {
        if (contextSize < 1) throw new IllegalArgumentException("context size must be positive, got " + contextSize);
        if (maxBatch < 1) throw new IllegalArgumentException("batch size must be positive, got " + maxBatch);
        this.config = c;
        this.kvType = kvType;
        this.contextSize = contextSize;
        this.maxBatch = maxBatch;
        this.activations = activations;
        this.fused = new MatVecBatch(activations);
        this.caches = new LayerKvCache[c.blocks()];
        for (int il = 0; il < c.blocks(); il++) {
            int window = c.windowOf(il);
            int capacity = window > 0 ? Math.min(contextSize, window + maxBatch) : contextSize;
            try {
                caches[il] = LayerKvCache.create(kvType, c.kvHeads()[il], c.headDim(), capacity);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("a KV cache of " + capacity + " positions x " + c.kvHeads()[il] + " heads x " + c.headDim()
                        + " values does not fit one Java array (2^31 values per layer); use a smaller context");
            }
        }
        int maxHeads = 0, maxKv = 0;
        for (int il = 0; il < c.blocks(); il++) {
            maxHeads = Math.max(maxHeads, c.heads()[il]);
            maxKv = Math.max(maxKv, c.kvHeads()[il]);
        }
        int d = c.embedding(), b = maxBatch;
        int ff = Math.max(c.denseFf(), Math.max(c.expertFf(), c.sharedFf()));
        this.x = new float[b * d];
        this.h = new float[b * d];
        this.q = new float[b * maxHeads * c.headDim()];
        this.k = new float[b * maxKv * c.headDim()];
        this.v = new float[b * maxKv * c.headDim()];
        this.gate = new float[b * maxHeads];
        this.attn = new float[b * maxHeads * c.headDim()];
        this.proj = new float[b * Math.max(d, 2 * d)];
        // a batch's hidden rows, or a small batch's (token, FFN) entries side by side (see fusedFfns)
        int fusedEntries = Math.min(b, Step35Model.FUSED_MAX_TOKENS) * (c.expertsUsed() + 1);
        int ffRows = Math.max(b * ff, fusedEntries * ff);
        this.ffGate = new float[ffRows];
        this.ffUp = new float[ffRows];
        this.ffDown = new float[Math.max(b, fusedEntries) * d];
        this.fusedFfns = new FeedForward[c.experts() + 1];
        this.fusedRows = new int[fusedEntries];
        this.fusedWeights = new float[fusedEntries];
        this.fusedStart = new int[c.experts() + 2];
        this.router = new float[b * Math.max(1, c.experts())];
        this.expertIds = new int[b * Math.max(1, c.expertsUsed())];
        this.expertWeights = new float[b * Math.max(1, c.expertsUsed())];
        this.tokensOfExpert = new int[b];
        this.weightsOfExpert = new float[b];
        this.logitsRows = new float[c.vocab()];
        int maxRot = 0;
        for (int r : c.ropeDims()) maxRot = Math.max(maxRot, r);
        this.cos = new float[maxRot / 2];
        this.sin = new float[maxRot / 2];
    }

    /** Positions filled so far. */
    public int position() {
        return position;
    }

    public int contextSize() {
        return contextSize;
    }

    /** Forgets the last {@code n} positions (rejected speculative tokens). */
    public void rollback(int n) {
        if (n < 0 || n > position) throw new IllegalArgumentException("cannot roll back " + n + " of " + position + " positions");
        if (n > maxBatch) throw new IllegalArgumentException("cannot roll back more than " + maxBatch + " positions");
        position -= n;
    }

    /**
     * How many positions can be dropped from the end while every surviving position keeps its
     * cached keys and values: unlimited for full-attention caches (slots never wrap), and for a
     * sliding-window ring the slots it holds beyond its window ({@code capacity - window}), unless
     * the ring spans the whole context and so never wraps either.
     */
    public int truncationSlack() {
        int slack = Integer.MAX_VALUE;
        for (int il = 0; il < caches.length; il++) {
            int window = config.windowOf(il);
            int capacity = caches[il].capacity();
            if (window > 0 && capacity < contextSize) slack = Math.min(slack, capacity - window);
        }
        return slack;
    }

    /**
     * Moves the position back to {@code newPosition} if the cache still holds what every position
     * before it needs (see {@link #truncationSlack()}); returns false and changes nothing otherwise.
     */
    public boolean truncate(int newPosition) {
        if (newPosition < 0 || newPosition > position) throw new IllegalArgumentException("cannot truncate " + position + " positions to " + newPosition);
        if (position - newPosition > truncationSlack()) return false;
        position = newPosition;
        return true;
    }

    /** Starts over with an empty context. */
    public void reset() {
        position = 0;
    }

    /** Bytes held by the KV caches. */
    public long kvCacheBytes() {
        long n = 0;
        for (LayerKvCache c : caches) n += c.byteSize();
        return n;
    }
}
