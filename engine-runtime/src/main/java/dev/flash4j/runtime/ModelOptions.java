package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.WorkerPool;

/**
 * How a model is run: worker threads, KV cache type, context size (positions per session) and the
 * largest batch one forward pass takes (prompts are split into batches of this size; sliding-window
 * caches keep this many positions beyond the window). Immutable; change with the {@code with*} methods.
 */
public record ModelOptions(int threads, KvCacheType kvCacheType, int contextSize, int batchSize, ActivationPrecision activations) {
    public static final int DEFAULT_CONTEXT = 4096;
    public static final int DEFAULT_BATCH = 512;

    public ModelOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (contextSize < 1) throw new IllegalArgumentException("context size must be >= 1, got " + contextSize);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (kvCacheType == null) throw new IllegalArgumentException("KV cache type is required");
        if (activations == null) throw new IllegalArgumentException("activation precision is required");
    }

    /** Float activations (exact). */
    public ModelOptions(int threads, KvCacheType kvCacheType, int contextSize, int batchSize) {
        this(threads, kvCacheType, contextSize, batchSize, ActivationPrecision.F32);
    }

    /** All cores, f16 KV cache, 4096 positions, batches of 512, float activations. */
    public static ModelOptions defaults() {
        return new ModelOptions(WorkerPool.defaultThreads(), KvCacheType.F16, DEFAULT_CONTEXT, DEFAULT_BATCH, ActivationPrecision.F32);
    }

    public ModelOptions withThreads(int n) {
        return new ModelOptions(n, kvCacheType, contextSize, batchSize, activations);
    }

    public ModelOptions withKvCacheType(KvCacheType t) {
        return new ModelOptions(threads, t, contextSize, batchSize, activations);
    }

    public ModelOptions withContextSize(int n) {
        return new ModelOptions(threads, kvCacheType, n, batchSize, activations);
    }

    /** Activation precision of quantized matrix products: F32 (exact) or Q8 (8-bit, llama.cpp's way). */
    public ModelOptions withActivations(ActivationPrecision p) {
        return new ModelOptions(threads, kvCacheType, contextSize, batchSize, p);
    }

    public ModelOptions withBatchSize(int n) {
        return new ModelOptions(threads, kvCacheType, contextSize, n, activations);
    }
}
