package dev.flash4j.runtime;

import dev.flash4j.core.JitOptions;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.model.Step35Config;
import dev.flash4j.model.Step35Loader;
import dev.flash4j.model.Step35Model;
import dev.flash4j.jinja.ChatTemplate;
import dev.flash4j.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A loaded Step 3.5 model: the memory-mapped GGUF file, the model built over it, and the worker
 * threads that run it. Close it to unmap the file and stop the threads; sessions opened from it
 * must not be used afterwards.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("model.gguf"), ModelOptions.defaults());
 *      Session session = model.newSession()) {
 *     float[] logits = session.prefill(new int[]{1, 5, 9});
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {
    private final GgufFile file;
    private final Step35Model model;
    private final ModelOptions options;
    private final WorkerPool pool;
    private final RepackedWeights repacked;
    // built on first use: a model run on token ids alone never pays for them
    private Tokenizer tokenizer;
    private ChatTemplate chatTemplate;
    private int[] endOfGeneration;

    private Model(GgufFile file, Step35Model model, ModelOptions options, WorkerPool pool, RepackedWeights repacked) {
        this.file = file;
        this.repacked = repacked;
        this.model = model;
        this.options = options;
        this.pool = pool;
    }

    /**
     * Maps and validates the file and builds the model. K-quant, Q8_0, Q4_0 and IQ4 matrices are read through an
     * interleaved copy as {@link ModelOptions#repack()} says (made now, or mapped from a cache
     * file); everything else is read in place from the mapping.
     */
    public static Model load(Path path, ModelOptions options) throws IOException {
        warnOfMissingJitOptions();
        GgufFile file = GgufFile.open(path);
        WorkerPool pool = new WorkerPool(options.threads());
        RepackedWeights repacked = null;
        try {
            // the file and the options are checked before anything is copied (a repack can take minutes)
            Step35Model model = Step35Loader.load(file);
            int limit = model.config().contextLength();
            if (options.contextSize() > limit) {
                throw new IllegalArgumentException("context size " + options.contextSize() + " exceeds the model's context length of " + limit
                        + " (step35.context_length); use a smaller --ctx");
            }
            repacked = RepackedWeights.prepare(file, options, pool);
            if (repacked.kind() != RepackedWeights.Kind.NONE) model = Step35Loader.load(file, repacked);
            return new Model(file, model, options, pool, repacked);
        } catch (IOException | RuntimeException | Error e) {
            if (repacked != null) repacked.close();
            pool.close();
            file.close();
            throw e;
        }
    }

    /**
     * Without {@link JitOptions}' two limits raised, C2 may compile the kernels with boxing
     * fallbacks once the JVM has deoptimized enough code (slower decode, an allocation per vector
     * operation): said once per load, as the JVM's options cannot change after start-up.
     */
    private static void warnOfMissingJitOptions() {
        var missing = JitOptions.missing();
        if (!missing.isEmpty()) {
            System.getLogger(Model.class.getName()).log(System.Logger.Level.WARNING,
                    "JVM option(s) {0} missing: without them the JIT may compile the vector kernels with boxing fallbacks"
                            + " after enough deoptimizations (slower decoding); see docs/usage.md", String.join(" ", missing));
        }
    }

    public Step35Config config() {
        return model.config();
    }

    public ModelOptions options() {
        return options;
    }

    public GgufFile file() {
        return file;
    }

    Step35Model step35() {
        return model;
    }

    WorkerPool pool() {
        return pool;
    }

    /**
     * The tokenizer described by the file's {@code tokenizer.ggml.*} metadata, built on first use.
     *
     * @throws IllegalStateException when the file has no (or an unsupported) tokenizer
     */
    public synchronized Tokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = Tokenizer.fromMetadata(file.metadata());
            } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
                throw new IllegalStateException(file.path().getFileName() + ": cannot build the tokenizer: " + e.getMessage(), e);
            }
        }
        return tokenizer;
    }

    /** Whether the file carries a chat template ({@code tokenizer.chat_template}). */
    public boolean hasChatTemplate() {
        return file.metadata().has(ChatTemplates.KEY);
    }

    /**
     * The chat template stored in {@code tokenizer.chat_template}, parsed on first use.
     *
     * @throws IllegalStateException when the file has none (chat needs one)
     */
    public synchronized ChatTemplate chatTemplate() {
        if (chatTemplate == null) chatTemplate = ChatTemplates.parse(file);
        return chatTemplate;
    }

    /**
     * The tokens that end a generation by default: EOS, the end-of-turn / end-of-message tokens
     * named in the metadata, and special tokens whose text is a well-known end-of-turn marker.
     */
    public synchronized int[] endOfGenerationTokens() {
        if (endOfGeneration == null) endOfGeneration = EndOfGeneration.tokens(file.metadata(), tokenizer());
        return endOfGeneration.clone();
    }

    /** A chat over this model's chat template, with its own session. */
    public ChatSession newChatSession() {
        chatTemplate(); // fail before allocating a KV cache
        return new ChatSession(newSession());
    }

    /** A new conversation with its own KV cache of {@code options().contextSize()} positions. */
    public Session newSession() {
        return new Session(this, model.newState(options.kvCacheType(), options.contextSize(), options.batchSize(), options.activations()));
    }

    /** Bytes of weights read from memory per decoded token (all dense weights plus the used share of experts). */
    public long weightBytesPerToken() {
        return WeightAccounting.bytesPerToken(model);
    }

    /**
     * {@link #weightBytesPerToken} counted in the file's layout, as llama.cpp reads it: less than
     * that where interleaved copies are read (their expanded Q5_K and Q6_K quants and f32 scales
     * are larger than the file's blocks).
     */
    public long fileWeightBytesPerToken() {
        return WeightAccounting.fileBytesPerToken(model);
    }

    /** Where the K-quant weights are read from and what the copy costs, as one line ({@link RepackedWeights#describe}). */
    public String weightLayout() {
        return repacked.describe();
    }

    /** How the K-quant weights' interleaved copy was obtained ({@code NONE}: read in place). */
    public RepackedWeights.Kind repackKind() {
        return repacked.kind();
    }

    /** Bytes of the interleaved copy of the K-quant weights (0 when read in place). */
    public long repackedBytes() {
        return repacked.bytes();
    }

    @Override
    public void close() {
        pool.close();
        repacked.close();
        file.close();
    }
}
