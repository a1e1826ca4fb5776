package dev.flash4j.model;

import dev.flash4j.core.WeightMatrix;
import dev.flash4j.gguf.GgufFile;

import java.util.function.UnaryOperator;

/** Builds a {@link Step35Model} from an open GGUF file (the file must stay open while it is used). */
public final class Step35Loader {
    private Step35Loader() {}

    public static Step35Model load(GgufFile file) {
        return load(file, UnaryOperator.identity());
    }

    /** Every product matrix passes through {@code layout} (e.g. to read an interleaved copy of it, see {@code RepackedWeights}). */
    public static Step35Model load(GgufFile file, UnaryOperator<WeightMatrix> layout) {
        Step35Config config = Step35Config.from(file);
        return new Step35Model(config, Step35Weights.load(file, config, layout));
    }
}
