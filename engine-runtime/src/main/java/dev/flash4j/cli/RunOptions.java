package dev.flash4j.cli;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.runtime.ModelOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options shared by the commands that run a model. */
final class RunOptions {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "GGUF model (first shard of a split model)")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--kv", paramLabel = "TYPE", defaultValue = "f16", description = "KV cache type: f32, f16 or q8 (8-bit, one scale per 32 values; default ${DEFAULT-VALUE})")
    String kv;

    @Option(names = "--ctx", paramLabel = "N", description = "context size in positions (default: 4096, at most the model's context length)")
    Integer ctx;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "512", description = "largest batch of prompt tokens per forward pass (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--activations", defaultValue = "f32", paramLabel = "P",
            description = "activations of quantized matrix products: f32 (exact) or q8 (8-bit per block of 32, llama.cpp's way; default ${DEFAULT-VALUE})")
    String activations;

    @Option(names = "--repack", description = "copy K-quant weights (Q4_K/Q5_K/Q6_K) into an interleaved layout that decodes about 2x faster; "
            + "costs RAM of the weights' size (off: weights stay in the mapped file, never copied)")
    boolean repack;

    ModelOptions toOptions(int minimumContext) {
        int t = threads == null ? WorkerPool.defaultThreads() : threads;
        if (t < 1 || t > 1024) throw new UserError("--threads must be between 1 and 1024, got " + t);
        if (batch < 1) throw new UserError("--batch must be positive, got " + batch);
        KvCacheType type;
        try {
            type = KvCacheType.parse(kv);
        } catch (IllegalArgumentException e) {
            throw new UserError("--kv: " + e.getMessage());
        }
        int context = ctx != null ? ctx : Math.max(ModelOptions.DEFAULT_CONTEXT, minimumContext);
        if (context < 1) throw new UserError("--ctx must be positive, got " + context);
        if (context < minimumContext) throw new UserError("--ctx " + context + " is smaller than the " + minimumContext + " positions this run needs");
        ActivationPrecision precision = switch (activations.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> ActivationPrecision.F32;
            case "q8", "q8_0", "int8" -> ActivationPrecision.Q8;
            default -> throw new UserError("--activations must be f32 or q8, got '" + activations + "'");
        };
        return new ModelOptions(t, type, context, batch, precision, repack);
    }
}
