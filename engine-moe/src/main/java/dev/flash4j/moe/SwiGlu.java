package dev.flash4j.moe;

import dev.flash4j.core.VectorOps;

/**
 * SwiGLU activation with Step 3.5's optional clamp: {@code out = min(silu(gate), limit) *
 * clamp(up, -limit, limit)}; a limit of 0 (or less) means no clamp.
 */
public final class SwiGlu {
    private SwiGlu() {}

    /** Writes the activation of {@code gate[gOff..]} and {@code up[uOff..]} into {@code gate} ({@link VectorOps#swiGlu}). */
    public static void apply(float[] gate, int gOff, float[] up, int uOff, int n, float limit) {
        VectorOps.swiGlu(gate, gOff, up, uOff, n, limit);
    }
}
