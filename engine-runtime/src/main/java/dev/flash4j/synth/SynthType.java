package dev.flash4j.synth;

import dev.flash4j.gguf.GgmlType;

/**
 * The tensor types of a synthetic model. {@code Q4_K_S} follows llama.cpp's Q4_K_S mix as seen in
 * the released Step 3.5 Flash file: Q4_K for most matrices, Q6_K for the output head, Q8_0 for the
 * attention K/V projections, Q5_K for the attention output; norms and the router stay F32.
 * {@code IQ4_XS} is llama.cpp's IQ4_XS mix on this architecture (as in the golden tiny model): the
 * same, with IQ4_XS where Q4_K_S has Q4_K. A K-quant or IQ4_XS needs rows that are a multiple of
 * 256 values; other rows fall back to Q8_0.
 */
public enum SynthType {
    F32, F16, Q8_0, Q4_0, Q4_K_S, IQ4_XS;

    public static SynthType parse(String s) {
        for (SynthType t : values()) if (t.name().equalsIgnoreCase(s)) return t;
        throw new IllegalArgumentException("unknown type '" + s + "' (expected f32, f16, q8_0, q4_0, q4_k_s or iq4_xs)");
    }

    /** Whether this is one of llama.cpp's mixes (Q6_K head, Q8_0 attention K/V, Q5_K attention output). */
    private boolean mix() {
        return this == Q4_K_S || this == IQ4_XS;
    }

    private GgmlType base() {
        return switch (this) {
            case F32 -> GgmlType.F32;
            case F16 -> GgmlType.F16;
            case Q8_0 -> GgmlType.Q8_0;
            case Q4_0 -> GgmlType.Q4_0;
            case Q4_K_S -> GgmlType.Q4_K;
            case IQ4_XS -> GgmlType.IQ4_XS;
        };
    }

    private static GgmlType fit(GgmlType t, int cols) {
        return cols % t.blockSize() == 0 ? t : cols % 32 == 0 ? GgmlType.Q8_0 : GgmlType.F16;
    }

    GgmlType embedding(int cols) { return fit(base(), cols); }

    GgmlType output(int cols) { return fit(mix() ? GgmlType.Q6_K : base(), cols); }

    GgmlType attention(int cols) { return fit(base(), cols); }

    GgmlType attentionKv(int cols) { return fit(mix() ? GgmlType.Q8_0 : base(), cols); }

    GgmlType attentionOutput(int cols) { return fit(mix() ? GgmlType.Q5_K : base(), cols); }

    GgmlType ffn(int cols) { return fit(base(), cols); }

    GgmlType ffnDown(int cols) { return fit(base(), cols); }
}
