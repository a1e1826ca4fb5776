package dev.flash4j.runtime;

import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.model.Step35Config;
import dev.flash4j.model.Step35Loader;
import dev.flash4j.model.Step35Model;

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

    private Model(GgufFile file, Step35Model model, ModelOptions options) {
        this.file = file;
        this.model = model;
        this.options = options;
        this.pool = new WorkerPool(options.threads());
    }

    /** Maps and validates the file and builds the model; weights are not copied. */
    public static Model load(Path path, ModelOptions options) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            return new Model(file, Step35Loader.load(file), options);
        } catch (RuntimeException e) {
            file.close();
            throw e;
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

    /** A new conversation with its own KV cache of {@code options().contextSize()} positions. */
    public Session newSession() {
        return new Session(this, model.newState(options.kvCacheType(), options.contextSize(), options.batchSize(), options.activations()));
    }

    /** Bytes of weights read from memory per decoded token (all dense weights plus the used share of experts). */
    public long weightBytesPerToken() {
        return WeightAccounting.bytesPerToken(model);
    }

    @Override
    public void close() {
        pool.close();
        file.close();
    }
}
