package dev.flash4j.core;

/**
 * How {@link MatMul} feeds activations to the weight kernels: as floats ({@code F32}, exact up to
 * float rounding), or quantized once per product to 8 bits in blocks of 32 ({@code Q8}, as
 * llama.cpp does; integer kernels, about 0.5% relative error per dot product). Types without an
 * 8-bit kernel always use floats. {@code AUTO} takes 8 bits only for the matrices whose 8-bit
 * kernel measured faster than the float one on this CPU ({@link InterleavedRows#eightBitFaster}:
 * Q4_K on 256-bit vectors, Q6_K on 512-bit ones), floats for the rest.
 *
 * <p>Either way 8 bits apply to one token at a time and to the passes of a few tokens (verifying
 * drafts, a handful of tokens per expert) only where the matrix has 8-bit kernels for such passes
 * ({@link InterleavedRows#eightBitPasses}: Q4_K on 256-bit vectors); elsewhere those passes take
 * floats, as prompt-sized batches always do, because the float kernels convert each weight once for
 * all the pass's tokens while the 8-bit ones went one token at a time (2026-12-07, 512 bits: a
 * 4-token pass 163-224 ms with 8 bits that way against 118-126 with floats).
 */
public enum ActivationPrecision {
    F32, Q8, AUTO;

    /** Whether products on {@code w} take 8-bit activations (where {@code w} has 8-bit kernels). */
    public boolean eightBit(WeightMatrix w) {
        InterleavedRows iw = w.interleaved();
        return this == Q8 && (iw == null || iw.hasEightBit()) || this == AUTO && iw != null && iw.eightBitFaster();
    }

    /** Whether a pass of {@code tokens} tokens on {@code w} takes 8-bit activations (see the class comment). */
    public boolean eightBit(WeightMatrix w, int tokens) {
        InterleavedRows iw = w.interleaved();
        return eightBit(w) && (tokens == 1 || iw == null || iw.eightBitPasses());
    }
}
