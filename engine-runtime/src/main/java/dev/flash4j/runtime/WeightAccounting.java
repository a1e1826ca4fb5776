package dev.flash4j.runtime;

import dev.flash4j.core.WeightMatrix;
import dev.flash4j.model.Step35Config;
import dev.flash4j.model.Step35Model;
import dev.flash4j.model.Step35Weights;
import dev.flash4j.moe.FeedForward;

import java.util.function.ToLongFunction;

/**
 * Counts the weight bytes one decoded token reads: what bounds decode speed by memory bandwidth.
 * Counted in the layout read ({@link WeightMatrix#readBytes}: an interleaved copy where there is
 * one) or in the file's ({@link WeightMatrix#byteSize}, what llama.cpp reads).
 */
final class WeightAccounting {
    private WeightAccounting() {}

    static long bytesPerToken(Step35Model m) {
        return bytesPerToken(m, WeightMatrix::readBytes);
    }

    static long fileBytesPerToken(Step35Model m) {
        return bytesPerToken(m, WeightMatrix::byteSize);
    }

    private static long bytesPerToken(Step35Model m, ToLongFunction<WeightMatrix> size) {
        Step35Config c = m.config();
        Step35Weights w = m.weights();
        long n = size.applyAsLong(w.output()) + w.tokenEmbedding().rowBytes();
        for (int il = 0; il < c.layers(); il++) {
            Step35Weights.Block b = w.blocks()[il];
            for (WeightMatrix x : new WeightMatrix[]{b.wq(), b.wk(), b.wv(), b.wGate(), b.wo()}) n += size.applyAsLong(x);
            if (b.dense() != null) n += ffnBytes(b.dense(), size);
            if (b.moe() != null) {
                n += size.applyAsLong(b.moe().router());
                if (b.moe().shared() != null) n += ffnBytes(b.moe().shared(), size);
                n += (long) c.expertsUsed() * ffnBytes(b.moe().experts()[0], size);
            }
        }
        return n;
    }

    private static long ffnBytes(FeedForward f, ToLongFunction<WeightMatrix> size) {
        return size.applyAsLong(f.gate()) + size.applyAsLong(f.up()) + size.applyAsLong(f.down());
    }
}
