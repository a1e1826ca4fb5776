package dev.flash4j.model;

import dev.flash4j.gguf.GgufFile;
import dev.flash4j.gguf.GgufMetadata;
import dev.flash4j.gguf.GgufTensor;

import java.util.NoSuchElementException;

/**
 * The shape of a {@code step35} model, read from GGUF metadata alone (nothing is hard-coded to a
 * size). Per-layer arrays have one entry per block, MTP blocks included; {@code layers} counts the
 * main layers only.
 */
public record Step35Config(
        int embedding, int vocab, int blocks, int layers, int mtpLayers, int contextLength,
        int[] heads, int[] kvHeads, int headDim, float rmsEps,
        int slidingWindow, boolean[] slidingLayer,
        int[] ropeDims, float[] ropeBase, int ropeFactorMask,
        int experts, int expertsUsed, int expertFf, int sharedFf, int denseFf,
        float expertWeightsScale, boolean expertWeightsNorm, int leadingDense,
        float[] swigluLimits, float[] swigluLimitsShared) {

    static final String ARCH = "step35";

    /** Reads and checks the configuration; inconsistent metadata is an {@link IllegalArgumentException}. */
    public static Step35Config from(GgufFile file) {
        GgufMetadata m = file.metadata();
        String arch = m.getString("general.architecture", "(none)");
        if (!ARCH.equals(arch)) throw new IllegalArgumentException(file.path() + ": architecture is '" + arch + "', expected 'step35'");
        try {
            return read(m, file);
        } catch (NoSuchElementException | IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            // GgufFile.require already names the file; name it once
            throw new IllegalArgumentException(msg.startsWith(file.path().toString()) ? msg : file.path() + ": " + msg, e);
        }
    }

    private static Step35Config read(GgufMetadata m, GgufFile file) {
        String p = ARCH + ".";
        int embedding = m.getInt(p + "embedding_length");
        int blocks = m.getInt(p + "block_count");
        int mtp = m.getInt(p + "nextn_predict_layers", 0);
        int layers = blocks - mtp;
        check(blocks > 0 && mtp >= 0 && layers > 0, "block_count " + blocks + " and nextn_predict_layers " + mtp + " leave no main layer");
        GgufTensor embd = file.require("token_embd.weight");
        check(embd.rowLength() == embedding, "token_embd.weight rows have " + embd.rowLength() + " values, embedding_length is " + embedding);
        int vocab = (int) embd.rowCount();
        int[] heads = m.getInts(p + "attention.head_count", blocks);
        int[] kvHeads = m.getInts(p + "attention.head_count_kv", blocks);
        int headDim = m.getInt(p + "attention.key_length");
        int valueDim = m.getInt(p + "attention.value_length", headDim);
        check(valueDim == headDim, "value_length " + valueDim + " differs from key_length " + headDim);
        for (int il = 0; il < blocks; il++) {
            check(heads[il] > 0 && kvHeads[il] > 0 && heads[il] % kvHeads[il] == 0,
                    "layer " + il + ": " + heads[il] + " query heads is not a multiple of " + kvHeads[il] + " KV heads");
        }
        float eps = m.getFloat(p + "attention.layer_norm_rms_epsilon");
        int window = m.getInt(p + "attention.sliding_window", 0);
        boolean[] sliding = new boolean[blocks];
        if (m.has(p + "attention.sliding_window_pattern")) {
            int[] pattern = m.getInts(p + "attention.sliding_window_pattern", blocks);
            for (int il = 0; il < blocks; il++) sliding[il] = pattern[il] != 0;
        }
        for (int il = 0; il < blocks; il++) check(!sliding[il] || window > 0, "layer " + il + " uses a sliding window but sliding_window is " + window);
        String ropeDimsKey = m.has(p + "rope.dimension_count_per_layer") ? p + "rope.dimension_count_per_layer" : p + "rope.dimension_count";
        int[] ropeDims = m.has(ropeDimsKey) ? m.getInts(ropeDimsKey, blocks) : filled(blocks, headDim);
        String baseKey = m.has(p + "rope.freq_base_per_layer") ? p + "rope.freq_base_per_layer" : p + "rope.freq_base";
        float[] ropeBase = m.has(baseKey) ? m.getFloats(baseKey, blocks) : filledF(blocks, 10000f);
        for (int il = 0; il < blocks; il++) {
            check(ropeDims[il] > 0 && ropeDims[il] % 2 == 0 && ropeDims[il] <= headDim, "layer " + il + ": rotary dims " + ropeDims[il] + " must be even and <= head dim " + headDim);
        }
        int mask = m.getInt(p + "rope.scaling.apply_mask", 3);
        int experts = m.getInt(p + "expert_count", 0);
        int used = m.getInt(p + "expert_used_count", 0);
        int gating = m.getInt(p + "expert_gating_func", 2);
        check(experts == 0 || gating == 2, "expert_gating_func " + gating + " is not supported (only 2 = sigmoid)");
        check(experts == 0 || (used >= 1 && used <= experts), "expert_used_count " + used + " is not in 1.." + experts);
        float[] limits = m.has(p + "swiglu_limits") ? m.getFloats(p + "swiglu_limits", blocks) : new float[blocks];
        float[] limitsShared = m.has(p + "swiglu_limits_shared") ? m.getFloats(p + "swiglu_limits_shared", blocks) : new float[blocks];
        return new Step35Config(embedding, vocab, blocks, layers, mtp, m.getInt(p + "context_length", 4096),
                heads, kvHeads, headDim, eps, window, sliding, ropeDims, ropeBase, mask,
                experts, used, m.getInt(p + "expert_feed_forward_length", 0), m.getInt(p + "expert_shared_feed_forward_length", 0),
                m.getInt(p + "feed_forward_length", 0), m.getFloat(p + "expert_weights_scale", 1f), m.getBool(p + "expert_weights_norm", false),
                m.getInt(p + "leading_dense_block_count", 0), limits, limitsShared);
    }

    /** Whether block {@code il}'s rotary frequencies are divided by {@code rope_freqs}. */
    public boolean ropeFactorsApply(int il) {
        return (ropeFactorMask & (slidingLayer[il] ? 2 : 1)) != 0;
    }

    /** Sliding window of block {@code il}, 0 for full attention. */
    public int windowOf(int il) {
        return slidingLayer[il] ? slidingWindow : 0;
    }

    private static void check(boolean ok, String problem) {
        if (!ok) throw new IllegalArgumentException(problem);
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static float[] filledF(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
