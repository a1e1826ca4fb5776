package dev.flash4j.attention;

/**
 * Rotary position embedding, NEOX pairing: for {@code i < nRot/2} the pair {@code (i, i + nRot/2)}
 * of each head is rotated by {@code theta_i = pos * base^(-2i/nRot) / factor_i}; dims
 * {@code >= nRot} are left untouched. Angles are computed in double precision.
 */
public final class Rope {
    private final int nRot;
    private final double[] invFreq;

    /**
     * @param nRot    rotated dims per head (even)
     * @param base    frequency base
     * @param factors per-pair frequency divisors ({@code nRot/2} or more values), or null for none
     */
    public Rope(int nRot, double base, float[] factors) {
        if (nRot <= 0 || nRot % 2 != 0) throw new IllegalArgumentException("rotary dims must be positive and even, got " + nRot);
        if (factors != null && factors.length < nRot / 2) {
            throw new IllegalArgumentException("rope frequency factors have " + factors.length + " values, need " + nRot / 2);
        }
        this.nRot = nRot;
        this.invFreq = new double[nRot / 2];
        for (int i = 0; i < nRot / 2; i++) {
            double f = Math.pow(base, -2.0 * i / nRot);
            invFreq[i] = factors == null ? f : f / factors[i];
        }
    }

    public int rotatedDims() {
        return nRot;
    }

    /** Fills {@code cos[0 .. nRot/2)} and {@code sin[..]} for position {@code pos}. */
    public void angles(int pos, float[] cos, float[] sin) {
        for (int i = 0; i < invFreq.length; i++) {
            double theta = pos * invFreq[i];
            cos[i] = (float) Math.cos(theta);
            sin[i] = (float) Math.sin(theta);
        }
    }

    /** Rotates {@code heads} consecutive heads of {@code headDim} values starting at {@code x[off]}. */
    public void apply(float[] x, int off, int heads, int headDim, float[] cos, float[] sin) {
        int half = nRot / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < half; i++) {
                float x0 = x[base + i], x1 = x[base + i + half];
                x[base + i] = x0 * cos[i] - x1 * sin[i];
                x[base + i + half] = x0 * sin[i] + x1 * cos[i];
            }
        }
    }
}
