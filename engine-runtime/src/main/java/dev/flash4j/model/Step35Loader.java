package dev.flash4j.model;

import dev.flash4j.gguf.GgufFile;

/** Builds a {@link Step35Model} from an open GGUF file (the file must stay open while it is used). */
public final class Step35Loader {
    private Step35Loader() {}

    public static Step35Model load(GgufFile file) {
        return load(file, null);
    }

    /** With {@code repackPool} not null, K-quant matrices are copied into the interleaved layout on its threads. */
    public static Step35Model load(GgufFile file, dev.flash4j.core.WorkerPool repackPool) {
        Step35Config config = Step35Config.from(file);
        return new Step35Model(config, Step35Weights.load(file, config, repackPool));
    }
}
