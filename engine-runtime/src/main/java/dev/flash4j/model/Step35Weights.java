package dev.flash4j.model;

import dev.flash4j.core.WeightMatrix;
import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufTensor;
import dev.flash4j.moe.FeedForward;
import dev.flash4j.moe.SigmoidRouter;

import java.util.function.UnaryOperator;

/**
 * The weights of a {@code step35} model. Matrices stay in the memory-mapped file
 * ({@link WeightMatrix} views, possibly with an interleaved copy made by the loader's layout
 * function); only the small norm vectors and router biases are copied to floats.
 */
public record Step35Weights(WeightMatrix tokenEmbedding, float[] outputNorm, WeightMatrix output, float[] ropeFactors,
                            Block[] blocks) {

    /** One decoder block: attention, then a dense FFN or a mixture of experts. */
    public record Block(float[] attnNorm, float[] qNorm, float[] kNorm,
                        WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wGate, WeightMatrix wo,
                        float[] ffnNorm, FeedForward dense, Moe moe, Mtp mtp) {}

    /** The routed experts and the shared expert of a MoE block. */
    public record Moe(WeightMatrix router, SigmoidRouter routing, FeedForward[] experts, FeedForward shared) {}

    /** The extra tensors of an MTP block (nextn layout). Head and embedding fall back to the model's own. */
    public record Mtp(float[] enorm, float[] hnorm, WeightMatrix ehProj, float[] headNorm, WeightMatrix head, WeightMatrix embedding) {}

    public static Step35Weights load(GgufFile f, Step35Config c) {
        return load(f, c, UnaryOperator.identity());
    }

    /** Every product matrix passes through {@code layout} (e.g. to read an interleaved copy of it). */
    public static Step35Weights load(GgufFile f, Step35Config c, UnaryOperator<WeightMatrix> layout) {
        Loader l = new Loader(f, layout);
        WeightMatrix embd = WeightMatrix.of(f.require("token_embd.weight"));
        WeightMatrix out = f.tensor("output.weight") != null ? l.repack(WeightMatrix.of(f.tensor("output.weight"))) : embd;
        checkShape(out, c.embedding(), c.vocab());
        float[] ropeFactors = f.tensor("rope_freqs.weight") != null ? vector(f, "rope_freqs.weight", -1) : null;
        Block[] blocks = new Block[c.blocks()];
        for (int il = 0; il < c.blocks(); il++) blocks[il] = block(l, c, il);
        return new Step35Weights(embd, vector(f, "output_norm.weight", c.embedding()), out, ropeFactors, blocks);
    }

    private static Block block(Loader f, Step35Config c, int il) {
        String p = "blk." + il + ".";
        int d = c.embedding(), hd = c.headDim(), nh = c.heads()[il], nkv = c.kvHeads()[il];
        WeightMatrix wq = matrix(f, p + "attn_q.weight", d, nh * hd);
        WeightMatrix wk = matrix(f, p + "attn_k.weight", d, nkv * hd);
        WeightMatrix wv = matrix(f, p + "attn_v.weight", d, nkv * hd);
        WeightMatrix wg = matrix(f, p + "attn_gate.weight", d, nh);
        WeightMatrix wo = matrix(f, p + "attn_output.weight", nh * hd, d);
        FeedForward dense = null;
        Moe moe = null;
        if (f.tensor(p + "ffn_gate_inp.weight") == null) {
            int ff = (int) f.require(p + "ffn_gate.weight").rowCount();
            dense = new FeedForward(matrix(f, p + "ffn_gate.weight", d, ff), matrix(f, p + "ffn_up.weight", d, ff),
                    matrix(f, p + "ffn_down.weight", ff, d), c.swigluLimitsShared()[il]);
        } else {
            int ne = c.experts(), ff = c.expertFf();
            if (ne == 0 || ff == 0) throw new IllegalArgumentException("block " + il + " has experts but expert_count/expert_feed_forward_length are missing");
            WeightMatrix router = matrix(f, p + "ffn_gate_inp.weight", d, ne);
            float[] bias = f.tensor(p + "exp_probs_b.bias") != null ? vector(f, p + "exp_probs_b.bias", ne) : null;
            WeightMatrix gate = matrix(f, p + "ffn_gate_exps.weight", d, ff * ne);
            WeightMatrix up = matrix(f, p + "ffn_up_exps.weight", d, ff * ne);
            WeightMatrix down = matrix(f, p + "ffn_down_exps.weight", ff, d * ne);
            FeedForward[] experts = new FeedForward[ne];
            for (int e = 0; e < ne; e++) {
                experts[e] = new FeedForward(gate.slice(e * ff, ff), up.slice(e * ff, ff), down.slice(e * d, d), c.swigluLimits()[il]);
            }
            FeedForward shared = null;
            if (f.tensor(p + "ffn_gate_shexp.weight") != null) {
                int sff = (int) f.require(p + "ffn_gate_shexp.weight").rowCount();
                shared = new FeedForward(matrix(f, p + "ffn_gate_shexp.weight", d, sff), matrix(f, p + "ffn_up_shexp.weight", d, sff),
                        matrix(f, p + "ffn_down_shexp.weight", sff, d), c.swigluLimitsShared()[il]);
            }
            moe = new Moe(router, new SigmoidRouter(ne, c.expertsUsed(), bias, c.expertWeightsNorm(), c.expertWeightsScale()), experts, shared);
        }
        Mtp mtp = null;
        if (il >= c.layers()) {
            String n = p + "nextn.";
            WeightMatrix head = f.tensor(n + "shared_head_head.weight") != null ? matrix(f, n + "shared_head_head.weight", d, c.vocab()) : null;
            WeightMatrix emb = f.tensor(n + "embed_tokens.weight") != null ? matrix(f, n + "embed_tokens.weight", d, c.vocab()) : null;
            mtp = new Mtp(vector(f, n + "enorm.weight", d), vector(f, n + "hnorm.weight", d), matrix(f, n + "eh_proj.weight", 2 * d, d),
                    vector(f, n + "shared_head_norm.weight", d), head, emb);
        }
        return new Block(vector(f, p + "attn_norm.weight", d), vector(f, p + "attn_q_norm.weight", hd), vector(f, p + "attn_k_norm.weight", hd),
                wq, wk, wv, wg, wo, vector(f, p + "ffn_norm.weight", d), dense, moe, mtp);
    }

    /** The file plus what loading does to every product matrix. */
    private record Loader(GgufFile file, UnaryOperator<WeightMatrix> layout) {
        GgufTensor tensor(String name) {
            return file.tensor(name);
        }

        GgufTensor require(String name) {
            return file.require(name);
        }

        WeightMatrix repack(WeightMatrix w) {
            return layout.apply(w);
        }
    }

    private static WeightMatrix matrix(Loader f, String name, int cols, int rows) {
        WeightMatrix w = f.repack(WeightMatrix.of(f.require(name)));
        checkShape(w, cols, rows);
        return w;
    }

    private static void checkShape(WeightMatrix w, int cols, int rows) {
        if (w.cols() != cols || w.rows() != rows) {
            throw new IllegalArgumentException("tensor " + w.name() + " is {" + w.cols() + ", " + w.rows() + "}, expected {" + cols + ", " + rows + "}");
        }
    }

    /** A small vector (norm weights, biases) copied to floats; {@code n < 0} accepts any length. */
    private static float[] vector(Loader f, String name, int n) {
        return vector(f.file(), name, n);
    }

    private static float[] vector(GgufFile f, String name, int n) {
        GgufTensor t = f.require(name);
        if (n >= 0 && t.elementCount() != n) throw new IllegalArgumentException("tensor " + name + " has " + t.elementCount() + " values, expected " + n);
        WeightMatrix w = WeightMatrix.of(t);
        float[] v = new float[(int) t.elementCount()];
        for (int r = 0; r < w.rows(); r++) w.dequantizeRow(r, v, r * w.cols());
        return v;
    }
}
