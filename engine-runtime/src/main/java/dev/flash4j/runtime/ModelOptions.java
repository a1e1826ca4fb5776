package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.WorkerPool;

/**
 * How a model is run: worker threads, KV cache type, context size (positions per session) and the
 * largest batch one forward pass takes (prompts are split into batches of this size; sliding-window
 * caches keep this many positions beyond the window). Immutable; change with the {@code with*} methods.
 */
public record ModelOptions(int threads, KvCacheType kvCacheType, int contextSize, int batchSize, ActivationPrecision activations,
                           boolean repackWeights) {
    public static final int DEFAULT_CONTEXT = 4096;
    public static final int DEFAULT_BATCH = 512;

    public ModelOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (contextSize < 1) throw new IllegalArgumentException("context size must be >= 1, got " + contextSize);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (kvCacheType == null) throw new IllegalArgumentException("KV cache type is required");
        if (activations == null) throw new IllegalArgumentException("activation precision is required");
    }

    /** Float activations (exact), weights read in place from the mapped file. */
    public ModelOptions(int threads, KvCacheType kvCacheType, int contextSize, int batchSize) {
        this(threads, kvCacheType, contextSize, batchSize, ActivationPrecision.F32, false);
    }

    /** Weights read in place from the mapped file. */
    public ModelOptions(int threads, KvCacheType kvCacheType, int contextSize, int batchSize, ActivationPrecision activations) {
        this(threads, kvCacheType, contextSize, batchSize, activations, false);
    }

    /** All cores, f16 KV cache, 4096 positions, batches of 512, float activations. */
    public static ModelOptions defaults() {
        return new ModelOptions(WorkerPool.defaultThreads(), KvCacheType.F16, DEFAULT_CONTEXT, DEFAULT_BATCH, ActivationPrecision.F32, false);
    }

    public ModelOptions withThreads(int n) {
        return new ModelOptions(n, kvCacheType, contextSize, batchSize, activations, repackWeights);
    }

    public ModelOptions withKvCacheType(KvCacheType t) {
        return new ModelOptions(threads, t, contextSize, batchSize, activations, repackWeights);
    }

    public ModelOptions withContextSize(int n) {
        return new ModelOptions(threads, kvCacheType, n, batchSize, activations, repackWeights);
    }

    /** Activation precision of quantized matrix products: F32 (exact) or Q8 (8-bit, llama.cpp's way). */
    public ModelOptions withActivations(ActivationPrecision p) {
        return new ModelOptions(threads, kvCacheType, contextSize, batchSize, p, repackWeights);
    }

    /**
     * Whether to copy the K-quant matrices (Q4_K, Q5_K, Q6_K) into an interleaved layout, 16 rows
     * per group, which the decode kernels read about twice as fast. The copy takes memory of the
     * weights' size (Q6_K/Q5_K expanded: +31%/+59%) outside the mapped file, so it suits models that
     * fit in RAM twice; off by default (weights then stay in the mapping and are never copied).
     */
    public ModelOptions withRepackWeights(boolean repack) {
        return new ModelOptions(threads, kvCacheType, contextSize, batchSize, activations, repack);
    }

    public ModelOptions withBatchSize(int n) {
        return new ModelOptions(threads, kvCacheType, contextSize, n, activations, repackWeights);
    }
}
