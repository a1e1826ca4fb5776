package dev.flash4j.core;

/**
 * How {@link MatMul} feeds activations to the weight kernels: as floats ({@code F32}, exact up to
 * float rounding), or quantized once per product to 8 bits in blocks of 32 ({@code Q8}, as
 * llama.cpp does; faster integer kernels, about 0.5% relative error per dot product). Types
 * without an 8-bit kernel always use {@code F32}.
 */
public enum ActivationPrecision {
    F32, Q8
}
