package dev.flash4j.mtp;

/**
 * The acceptance rule of speculative sampling (Leviathan et al., Chen et al.): a token {@code x}
 * drawn from the drafter's distribution {@code q} is accepted with probability
 * {@code min(1, p(x) / q(x))} under the target's distribution {@code p}; when it is rejected the
 * replacement is drawn from {@code max(0, p - q)} renormalized. The tokens that come out are then
 * distributed exactly as {@code p}, whatever {@code q} is. Greedy decoding is the special case of
 * one-hot {@code p} and {@code q}: accept exactly when the draft equals the target's argmax.
 */
public final class RejectionSampling {
    private RejectionSampling() {}

    /** Whether to accept {@code draft}, given a uniform number {@code u} in [0, 1). */
    public static boolean accept(float[] p, float[] q, int draft, double u) {
        double qx = q[draft], px = p[draft];
        if (qx <= 0) return px > 0; // the drafter could not have drawn it; accept only if the target allows it
        return u < Math.min(1.0, px / qx);
    }

    /** Writes the residual distribution {@code max(0, p - q)} (not normalized) into {@code out}; returns its mass. */
    public static double residual(float[] p, float[] q, float[] out, int n) {
        double mass = 0;
        for (int i = 0; i < n; i++) {
            float r = Math.max(0f, p[i] - q[i]);
            out[i] = r;
            mass += r;
        }
        if (mass <= 0) { // p == q: any draw from p is right
            System.arraycopy(p, 0, out, 0, n);
            mass = 1;
        }
        return mass;
    }
}
