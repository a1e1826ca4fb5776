package dev.flash4j.runtime;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.WorkerPool;

import java.nio.file.Path;

/**
 * How a model is run: worker threads, KV cache type, context size (positions per session) and the
 * largest batch one forward pass takes (prompts are split into batches of this size; sliding-window
 * caches keep this many positions beyond the window). Immutable; change with the {@code with*} methods.
 */
public record ModelOptions(int threads, KvCacheType kvCacheType, int contextSize, int batchSize, ActivationPrecision activations,
                           Repack repack, Path repackCache) {
    public static final int DEFAULT_CONTEXT = 4096;
    public static final int DEFAULT_BATCH = 512;

    public ModelOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (contextSize < 1) throw new IllegalArgumentException("context size must be >= 1, got " + contextSize);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (kvCacheType == null) throw new IllegalArgumentException("KV cache type is required");
        if (activations == null) throw new IllegalArgumentException("activation precision is required");
        if (repack == null) throw new IllegalArgumentException("repack mode is required");
    }

    /** Float activations (exact), K-quant weights repacked in memory when they fit ({@link Repack#AUTO}, no cache directory). */
    public ModelOptions(int threads, KvCacheType kvCacheType, int contextSize, int batchSize) {
        this(threads, kvCacheType, contextSize, batchSize, ActivationPrecision.F32, Repack.AUTO, null);
    }

    /** K-quant weights repacked in memory when they fit ({@link Repack#AUTO}, no cache directory). */
    public ModelOptions(int threads, KvCacheType kvCacheType, int contextSize, int batchSize, ActivationPrecision activations) {
        this(threads, kvCacheType, contextSize, batchSize, activations, Repack.AUTO, null);
    }

    /**
     * All cores, f16 KV cache, 4096 positions, batches of 512, float activations, K-quant weights
     * repacked in memory when they fit ({@link Repack#AUTO} without a cache directory: a library
     * never writes files unless asked, see {@link #withRepackCache}).
     */
    public static ModelOptions defaults() {
        return new ModelOptions(WorkerPool.defaultThreads(), KvCacheType.F16, DEFAULT_CONTEXT, DEFAULT_BATCH, ActivationPrecision.F32, Repack.AUTO, null);
    }

    public ModelOptions withThreads(int n) {
        return new ModelOptions(n, kvCacheType, contextSize, batchSize, activations, repack, repackCache);
    }

    public ModelOptions withKvCacheType(KvCacheType t) {
        return new ModelOptions(threads, t, contextSize, batchSize, activations, repack, repackCache);
    }

    public ModelOptions withContextSize(int n) {
        return new ModelOptions(threads, kvCacheType, n, batchSize, activations, repack, repackCache);
    }

    /** Activation precision of quantized matrix products: F32 (exact) or Q8 (8-bit, llama.cpp's way). */
    public ModelOptions withActivations(ActivationPrecision p) {
        return new ModelOptions(threads, kvCacheType, contextSize, batchSize, p, repack, repackCache);
    }

    /** Where the K-quant, Q8_0, Q4_0 and IQ4 matrices are read from ({@link Repack}). */
    public ModelOptions withRepack(Repack mode) {
        return new ModelOptions(threads, kvCacheType, contextSize, batchSize, activations, mode, repackCache);
    }

    /** Shorthand: {@code true} = {@link Repack#MEMORY}, {@code false} = {@link Repack#OFF}. */
    public ModelOptions withRepackWeights(boolean repack) {
        return withRepack(repack ? Repack.MEMORY : Repack.OFF);
    }

    /**
     * The directory for interleaved-copy cache files ({@link Repack#FILE}, and {@link Repack#AUTO}
     * for copies of 64 MB or more); null = none. A cache file is as large as the copy and is reused
     * by every later load of the same, unchanged model file.
     */
    public ModelOptions withRepackCache(Path dir) {
        return new ModelOptions(threads, kvCacheType, contextSize, batchSize, activations, repack, dir);
    }

    public ModelOptions withBatchSize(int n) {
        return new ModelOptions(threads, kvCacheType, contextSize, n, activations, repack, repackCache);
    }
}
