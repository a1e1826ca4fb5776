package dev.flash4j.runtime;

import dev.flash4j.core.WeightMatrix;
import dev.flash4j.model.Step35Config;
import dev.flash4j.model.Step35Model;
import dev.flash4j.model.Step35Weights;
import dev.flash4j.moe.FeedForward;

/** Counts the weight bytes one decoded token reads: what bounds decode speed by memory bandwidth. */
final class WeightAccounting {
    private WeightAccounting() {}

    static long bytesPerToken(Step35Model m) {
        Step35Config c = m.config();
        Step35Weights w = m.weights();
        long n = w.output().readBytes() + w.tokenEmbedding().rowBytes();
        for (int il = 0; il < c.layers(); il++) {
            Step35Weights.Block b = w.blocks()[il];
            for (WeightMatrix x : new WeightMatrix[]{b.wq(), b.wk(), b.wv(), b.wGate(), b.wo()}) n += x.readBytes();
            if (b.dense() != null) n += ffnBytes(b.dense());
            if (b.moe() != null) {
                n += b.moe().router().readBytes();
                if (b.moe().shared() != null) n += ffnBytes(b.moe().shared());
                n += (long) c.expertsUsed() * ffnBytes(b.moe().experts()[0]);
            }
        }
        return n;
    }

    static long ffnBytes(FeedForward f) {
        return f.gate().readBytes() + f.up().readBytes() + f.down().readBytes();
    }
}
