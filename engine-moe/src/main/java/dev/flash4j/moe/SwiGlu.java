package dev.flash4j.moe;

import dev.flash4j.core.VectorOps;

/**
 * SwiGLU activation with Step 3.5's optional clamp: {@code out = min(silu(gate), limit) *
 * clamp(up, -limit, limit)}; a limit of 0 (or less) means no clamp.
 */
public final class SwiGlu {
    private SwiGlu() {}

    /** Writes the activation of {@code gate[gOff..]} and {@code up[uOff..]} into {@code gate}. */
    public static void apply(float[] gate, int gOff, float[] up, int uOff, int n, float limit) {
        if (limit > 0) {
            for (int i = 0; i < n; i++) {
                float g = Math.min(VectorOps.silu(gate[gOff + i]), limit);
                float u = Math.max(-limit, Math.min(limit, up[uOff + i]));
                gate[gOff + i] = g * u;
            }
        } else {
            for (int i = 0; i < n; i++) gate[gOff + i] = VectorOps.silu(gate[gOff + i]) * up[uOff + i];
        }
    }
}
