package dev.flash4j.synth;

import dev.flash4j.core.Quantizer;
import dev.flash4j.core.WorkerPool;
import dev.flash4j.gguf.GgmlType;
import dev.flash4j.gguf.GgufValueType;
import dev.flash4j.gguf.GgufWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a random-weight {@code step35} GGUF of any {@link SynthConfig} shape, quantized as
 * {@link SynthType} says. Rows are drawn from per-row seeded generators and quantized in parallel
 * straight into the mapped output file, so a multi-GB model never sits on the heap and the same
 * seed always gives the same file.
 *
 * <p>Weights are uniform with standard deviation {@code 1/sqrt(cols)} (activations keep their
 * scale through each product), embeddings with deviation 1, norm weights near 1.
 */
public final class SynthModelWriter {
    private final SynthConfig c;
    private final SynthType type;
    private final long seed;
    private final WorkerPool pool;

    public SynthModelWriter(SynthConfig config, SynthType type, long seed, WorkerPool pool) {
        this.c = config;
        this.type = type;
        this.seed = seed;
        this.pool = pool;
    }

    public void write(Path out) throws IOException {
        GgufWriter w = new GgufWriter();
        metadata(w);
        int d = c.embedding();
        matrix(w, "token_embd.weight", type.embedding(d), d, c.vocab(), 1.0);
        vector(w, "output_norm.weight", d, 1.0, 0.1);
        matrix(w, "output.weight", type.output(d), d, c.vocab(), 1 / Math.sqrt(d));
        float[] factors = ropeFactors(Math.max(c.fullRopeDims(), c.slidingRopeDims()) / 2);
        w.addTensorFilled("rope_freqs.weight", GgmlType.F32, new long[]{factors.length}, t -> {
            for (int i = 0; i < factors.length; i++) t.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * i, factors[i]);
        });
        for (int il = 0; il < c.blocks(); il++) block(w, il);
        w.write(out);
    }

    private void metadata(GgufWriter w) {
        String p = "step35.";
        int n = c.blocks();
        w.putString("general.architecture", "step35");
        w.putString("general.name", "flash4j-synth");
        w.putUInt32("general.alignment", 32);
        w.putUInt32(p + "context_length", c.contextLength());
        w.putUInt32(p + "embedding_length", c.embedding());
        w.putUInt32(p + "block_count", n);
        w.putUInt32(p + "feed_forward_length", c.denseFf());
        List<Object> heads = new ArrayList<>(), kv = new ArrayList<>(), pattern = new ArrayList<>(), ropeDims = new ArrayList<>();
        List<Object> bases = new ArrayList<>(), limits = new ArrayList<>(), limitsShared = new ArrayList<>();
        for (int il = 0; il < n; il++) {
            boolean swa = c.sliding(il);
            heads.add(swa ? c.slidingHeads() : c.fullHeads());
            kv.add(c.kvHeads());
            pattern.add(swa ? 1 : 0);
            ropeDims.add(swa ? c.slidingRopeDims() : c.fullRopeDims());
            bases.add(swa ? c.slidingRopeBase() : c.fullRopeBase());
            boolean clamp = il >= c.leadingDense() && il % 2 == 1;
            limits.add(clamp ? c.swigluLimit() : 0f);
            limitsShared.add(clamp ? c.swigluLimitShared() : 0f);
        }
        w.putArray(p + "attention.head_count", GgufValueType.INT32, heads);
        w.putArray(p + "attention.head_count_kv", GgufValueType.INT32, kv);
        w.putUInt32(p + "attention.key_length", c.headDim());
        w.putUInt32(p + "attention.value_length", c.headDim());
        w.putFloat32(p + "attention.layer_norm_rms_epsilon", 1e-5f);
        w.putUInt32(p + "attention.sliding_window", c.slidingWindow());
        w.putArray(p + "attention.sliding_window_pattern", GgufValueType.INT32, pattern);
        w.putUInt32(p + "rope.dimension_count", Math.max(c.fullRopeDims(), c.slidingRopeDims()));
        w.putArray(p + "rope.dimension_count_per_layer", GgufValueType.INT32, ropeDims);
        w.putFloat32(p + "rope.freq_base", c.fullRopeBase());
        w.putArray(p + "rope.freq_base_per_layer", GgufValueType.FLOAT32, bases);
        w.putUInt32(p + "rope.scaling.apply_mask", 1);
        w.putUInt32(p + "expert_count", c.experts());
        w.putUInt32(p + "expert_used_count", c.expertsUsed());
        w.putUInt32(p + "expert_feed_forward_length", c.expertFf());
        w.putUInt32(p + "expert_shared_feed_forward_length", c.sharedFf());
        w.putUInt32(p + "expert_gating_func", 2);
        w.putFloat32(p + "expert_weights_scale", c.expertWeightsScale());
        w.putBool(p + "expert_weights_norm", true);
        w.putUInt32(p + "leading_dense_block_count", c.leadingDense());
        w.putArray(p + "swiglu_limits", GgufValueType.FLOAT32, limits);
        w.putArray(p + "swiglu_limits_shared", GgufValueType.FLOAT32, limitsShared);
        if (c.mtpLayers() > 0) w.putUInt32(p + "nextn_predict_layers", c.mtpLayers());
        SynthVocabulary v = SynthVocabulary.of(c.vocab());
        w.putString("tokenizer.ggml.model", "llama");
        w.putString("tokenizer.ggml.pre", "default");
        w.putArray("tokenizer.ggml.tokens", GgufValueType.STRING, v.tokens());
        List<Object> scores = new ArrayList<>(), types = new ArrayList<>();
        for (float s : v.scores()) scores.add(s);
        for (int t : v.types()) types.add(t);
        w.putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, scores);
        w.putArray("tokenizer.ggml.token_type", GgufValueType.INT32, types);
        w.putUInt32("tokenizer.ggml.bos_token_id", SynthVocabulary.BOS);
        w.putUInt32("tokenizer.ggml.eos_token_id", SynthVocabulary.EOS);
        w.putUInt32("tokenizer.ggml.unknown_token_id", SynthVocabulary.UNK);
        w.putBool("tokenizer.ggml.add_bos_token", true);
        w.putString("tokenizer.chat_template", SynthVocabulary.chatTemplate());
    }

    private void block(GgufWriter w, int il) {
        String p = "blk." + il + ".";
        int d = c.embedding(), hd = c.headDim();
        int nh = c.sliding(il) ? c.slidingHeads() : c.fullHeads(), nkv = c.kvHeads();
        vector(w, p + "attn_norm.weight", d, 1.0, 0.1);
        vector(w, p + "attn_q_norm.weight", hd, 1.0, 0.1);
        vector(w, p + "attn_k_norm.weight", hd, 1.0, 0.1);
        matrix(w, p + "attn_q.weight", type.attention(d), d, nh * hd, 1 / Math.sqrt(d));
        matrix(w, p + "attn_k.weight", type.attentionKv(d), d, nkv * hd, 1 / Math.sqrt(d));
        matrix(w, p + "attn_v.weight", type.attentionKv(d), d, nkv * hd, 1 / Math.sqrt(d));
        matrix(w, p + "attn_gate.weight", type.attention(d), d, nh, 1 / Math.sqrt(d));
        matrix(w, p + "attn_output.weight", type.attentionOutput(nh * hd), nh * hd, d, 1 / Math.sqrt(nh * hd));
        vector(w, p + "ffn_norm.weight", d, 1.0, 0.1);
        if (il < c.leadingDense()) {
            ffn(w, p, "", d, c.denseFf(), new long[]{d, c.denseFf()}, new long[]{c.denseFf(), d});
        } else {
            int ne = c.experts(), ff = c.expertFf();
            matrix(w, p + "ffn_gate_inp.weight", GgmlType.F32, d, ne, 1 / Math.sqrt(d));
            vector(w, p + "exp_probs_b.bias", ne, 0.0, 0.05);
            ffn(w, p, "_exps", d, ff, new long[]{d, ff, ne}, new long[]{ff, d, ne});
            if (c.sharedFf() > 0) ffn(w, p, "_shexp", d, c.sharedFf(), new long[]{d, c.sharedFf()}, new long[]{c.sharedFf(), d});
        }
        if (il >= c.layers()) {
            String n = p + "nextn.";
            vector(w, n + "enorm.weight", d, 1.0, 0.1);
            vector(w, n + "hnorm.weight", d, 1.0, 0.1);
            matrix(w, n + "eh_proj.weight", type.attention(2 * d), 2 * d, d, 1 / Math.sqrt(2 * d));
            vector(w, n + "shared_head_norm.weight", d, 1.0, 0.1);
        }
    }

    private void ffn(GgufWriter w, String p, String suffix, int d, int ff, long[] upDims, long[] downDims) {
        tensor(w, p + "ffn_gate" + suffix + ".weight", type.ffn(d), upDims, 1 / Math.sqrt(d));
        tensor(w, p + "ffn_up" + suffix + ".weight", type.ffn(d), upDims, 1 / Math.sqrt(d));
        tensor(w, p + "ffn_down" + suffix + ".weight", type.ffnDown(ff), downDims, 1 / Math.sqrt(ff));
    }

    private void matrix(GgufWriter w, String name, GgmlType t, int cols, int rows, double std) {
        tensor(w, name, t, new long[]{cols, rows}, std);
    }

    /** A tensor of uniform values with deviation {@code std}, rows quantized in parallel into the file. */
    private void tensor(GgufWriter w, String name, GgmlType t, long[] dims, double std) {
        int cols = (int) dims[0];
        long rowsLong = 1;
        for (int i = 1; i < dims.length; i++) rowsLong *= dims[i];
        int rows = Math.toIntExact(rowsLong);
        long rowBytes = t.rowBytes(cols);
        long tensorSeed = seed * 0x9E3779B97F4A7C15L ^ name.hashCode();
        double a = std * Math.sqrt(3);
        w.addTensorFilled(name, t, dims, target -> pool.parallelFor(rows, 4, (start, end) -> {
            float[] row = new float[cols];
            for (int r = start; r < end; r++) {
                SplittableRandom rnd = new SplittableRandom(tensorSeed + r * 0x632BE59BD9B4E019L);
                for (int i = 0; i < cols; i++) row[i] = (float) ((rnd.nextDouble() * 2 - 1) * a);
                Quantizer.quantizeRow(t, row, 0, cols, target, r * rowBytes);
            }
        }));
    }

    /** An F32 vector of {@code mean +- spread}. */
    private void vector(GgufWriter w, String name, int n, double mean, double spread) {
        SplittableRandom rnd = new SplittableRandom(seed ^ name.hashCode());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (mean + (rnd.nextDouble() * 2 - 1) * spread);
        w.addTensorFilled(name, GgmlType.F32, new long[]{n}, t -> MemorySegment.copy(v, 0, t, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n));
    }

    /** llama3-style frequency divisors: 1 for high frequencies, 8 for low ones, smooth between. */
    private static float[] ropeFactors(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            double x = (double) i / Math.max(1, n - 1);
            f[i] = (float) (x < 0.25 ? 1 : x > 0.75 ? 8 : 1 + 7 * (x - 0.25) / 0.5);
        }
        return f;
    }
}
