package dev.flash4j.cli;

import dev.flash4j.attention.KvCacheType;
import dev.flash4j.core.ActivationPrecision;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.runtime.Model;
import dev.flash4j.runtime.ModelOptions;
import dev.flash4j.runtime.Repack;
import dev.flash4j.runtime.RepackedWeights;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Options shared by the commands that run a model. */
final class RunOptions {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "GGUF model (first shard of a split model)")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--kv", paramLabel = "f32|f16|q8", defaultValue = "f16", description = "KV cache type: f32, f16 or q8 (8-bit, one scale per 32 values; default ${DEFAULT-VALUE})")
    String kv;

    @Option(names = "--ctx", paramLabel = "N", description = "context size in positions (default: 4096, at most the model's context length)")
    Integer ctx;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "512", description = "largest batch of prompt tokens per forward pass (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--activations", defaultValue = "f32", paramLabel = "f32|q8|auto",
            description = "activations of quantized matrix products: f32 (exact), q8 (8-bit per block of 32, llama.cpp's way) or auto (8-bit only where this CPU's 8-bit kernel is faster: Q4_K on 256-bit vectors, Q6_K one token at a time on 512-bit ones); default ${DEFAULT-VALUE}")
    String activations;

    @Option(names = "--repack", arity = "0..1", fallbackValue = "memory", defaultValue = "auto", paramLabel = "auto|file|memory|off",
            description = "read K-quant, Q8_0, Q4_0 and IQ4 weights (Q4_K/Q5_K/Q6_K, Q8_0; IQ4_XS, Q4_0, IQ4_NL on 512-bit vectors) through an interleaved copy that decodes about 2-2.5x faster: "
                    + "file = a cache file made once in --repack-cache and then memory-mapped; memory = a copy in RAM at every load; "
                    + "off = read in place from the model file; auto = file if the disk has room, else memory if it fits, else off "
                    + "(default ${DEFAULT-VALUE}; --repack alone = memory)")
    String repack;

    @Option(names = "--repack-cache", paramLabel = "DIR|none",
            description = "directory of repacked-weight cache files (default: $FLASH4J_CACHE/repack, else ~/.cache/flash4j/repack; none = no cache files)")
    String repackCache;

    /** The checked {@code --threads}, or all cores. */
    int threads() {
        return checkThreads(threads);
    }

    /** {@code value} of a {@code --threads} option, or all cores when it is not given. */
    static int checkThreads(Integer value) {
        int t = value == null ? WorkerPool.defaultThreads() : value;
        if (t < 1 || t > 1024) throw new UserError("--threads must be between 1 and 1024, got " + t);
        return t;
    }

    /** The options checked, for a run that needs at least {@code minimumContext} positions. */
    ModelOptions toOptions(int minimumContext) throws IOException {
        int t = threads();
        if (batch < 1) throw new UserError("--batch must be positive, got " + batch);
        KvCacheType type;
        try {
            type = KvCacheType.parse(kv);
        } catch (IllegalArgumentException e) {
            throw new UserError("--kv: " + e.getMessage());
        }
        int context = ctx != null ? ctx : defaultContext(minimumContext);
        if (context < 1) throw new UserError("--ctx must be positive, got " + context);
        if (context < minimumContext) throw new UserError("--ctx " + context + " is smaller than the " + minimumContext + " positions this run needs");
        ActivationPrecision precision = switch (activations.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> ActivationPrecision.F32;
            case "q8", "q8_0", "int8" -> ActivationPrecision.Q8;
            case "auto" -> ActivationPrecision.AUTO;
            default -> throw new UserError("--activations must be f32, q8 or auto, got '" + activations + "'");
        };
        // a batch never holds more than the context, and a larger one would only size buffers for nothing
        return new ModelOptions(t, type, context, Math.min(batch, context), precision, repackMode(), repackCacheDir());
    }

    private Repack repackMode() {
        return switch (repack.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> Repack.AUTO;
            case "file" -> Repack.FILE;
            case "memory", "on" -> Repack.MEMORY;
            case "off", "none" -> Repack.OFF;
            default -> throw new UserError("--repack must be auto, file, memory or off, got '" + repack + "'");
        };
    }

    /** {@code --repack-cache}, else the flash4j cache directory's {@code repack} folder; null for none. */
    private Path repackCacheDir() {
        if (repackCache != null) return repackCache.equalsIgnoreCase("none") ? null : Path.of(repackCache);
        String base = System.getProperty("flash4j.cache", System.getenv("FLASH4J_CACHE"));
        if (base != null && !base.isBlank()) return Path.of(base, "repack");
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() ? null : Path.of(home, ".cache", "flash4j", "repack");
    }

    /**
     * Without {@code --ctx}: 4096 positions, or the model's context length when that is shorter
     * (the model refuses more), and never fewer than the run needs.
     */
    private int defaultContext(int minimumContext) throws IOException {
        long length;
        try (GgufFile f = GgufFile.open(model)) {
            length = f.metadata().getLong("step35.context_length", ModelOptions.DEFAULT_CONTEXT);
        }
        if (minimumContext > length) {
            throw new UserError("this run needs " + minimumContext + " positions, more than the model's context length of " + length + " (step35.context_length)");
        }
        return (int) Math.max(Math.min(ModelOptions.DEFAULT_CONTEXT, length), minimumContext);
    }

    /** Loads {@link #model} for a run that needs at least {@code minimumContext} positions. */
    Model load(int minimumContext) throws IOException {
        return load(toOptions(minimumContext));
    }

    /**
     * Loads {@link #model} with {@code options} (the model refuses a context it cannot hold). When
     * the load wrote a repacked-weight cache file, says so on stderr: a file of the weights' size
     * appeared on disk.
     */
    Model load(ModelOptions options) throws IOException {
        Model m = Model.load(model, options);
        if (m.repackKind() == RepackedWeights.Kind.FILE_MADE) System.err.println("flash4j: " + m.weightLayout());
        return m;
    }
}
