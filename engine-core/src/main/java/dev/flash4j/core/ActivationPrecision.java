package dev.flash4j.core;

/**
 * How {@link MatMul} feeds activations to the weight kernels: as floats ({@code F32}, exact up to
 * float rounding), or quantized once per product to 8 bits in blocks of 32 ({@code Q8}, as
 * llama.cpp does; integer kernels, about 0.5% relative error per dot product). Types without an
 * 8-bit kernel always use floats. {@code AUTO} takes 8 bits only for the matrices whose 8-bit
 * kernel measured faster than the float one on this CPU ({@link InterleavedRows#eightBitFaster}:
 * Q4_K on 256-bit vectors), floats for the rest; on 512-bit vectors it is {@code F32}.
 */
public enum ActivationPrecision {
    F32, Q8, AUTO;

    /** Whether products on {@code w} take 8-bit activations (where {@code w} has 8-bit kernels). */
    public boolean eightBit(WeightMatrix w) {
        return this == Q8 || this == AUTO && w.interleaved() != null && w.interleaved().eightBitFaster();
    }
}
