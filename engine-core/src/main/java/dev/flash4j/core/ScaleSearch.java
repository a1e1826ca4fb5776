package dev.flash4j.core;

/**
 * The per-group scale searches of ggml's reference K-quant quantizers, reproduced in float
 * arithmetic so that the chosen levels match llama.cpp's (files quantized without an importance
 * matrix use exactly these). Both try a small sweep of candidate inverse scales around the obvious
 * one and keep the weighted least-squares fit with the lowest weighted squared error.
 */
final class ScaleSearch {
    private ScaleSearch() {}

    /** ggml's {@code nearest_int}: round half to even. */
    static int nearestInt(float v) {
        return (int) Math.rint(v);
    }

    /**
     * Asymmetric levels {@code 0..nmax} with scale and offset ({@code x ~ scale*L + min}, {@code min <= 0}),
     * as ggml's {@code make_qkx2_quants} without the MAD option. Writes the levels to
     * {@code L[lo..lo+n)} and {@code -min} to {@code minOut[0]}; returns the scale.
     */
    static float asymmetric(int n, int nmax, float[] x, int xo, float[] weights, byte[] L, int lo, float[] minOut,
                            float rmin, float rdelta, int nstep) {
        byte[] laux = new byte[n];
        float min = x[xo], max = x[xo];
        float sumW = weights[0], sumX = sumW * x[xo];
        for (int i = 1; i < n; i++) {
            float v = x[xo + i];
            if (v < min) min = v;
            if (v > max) max = v;
            float w = weights[i];
            sumW += w;
            sumX += w * v;
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) L[lo + i] = 0;
            minOut[0] = -min;
            return 0;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = clamp(nearestInt(iscale * (x[xo + i] - min)), 0, nmax);
            L[lo + i] = (byte) l;
            float diff = scale * l + min - x[xo + i];
            bestError += weights[i] * (diff * diff);
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = clamp(nearestInt(iscale * (x[xo + i] - min)), 0, nmax);
                laux[i] = (byte) l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[xo + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * laux[i] + thisMin - x[xo + i];
                    curError += weights[i] * (diff * diff);
                }
                if (curError < bestError) {
                    System.arraycopy(laux, 0, L, lo, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        minOut[0] = -min;
        return scale;
    }

    /**
     * Symmetric levels {@code -nmax..nmax-1} stored as {@code L + nmax}, weighted by {@code x^2}, as
     * ggml's {@code make_qx_quants} with {@code rmse_type = 1}. Returns the (signed) scale.
     */
    static float symmetric(int n, int nmax, float[] x, int xo, byte[] L, int lo) {
        float max = 0, amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < 1e-15f) {
            for (int i = 0; i < n; i++) L[lo + i] = 0;
            return 0;
        }
        float iscale = -nmax / max;
        float sumLX = 0, sumL2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            int l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
            L[lo + i] = (byte) (l + nmax);
            float w = v * v;
            sumLX += w * v * l;
            sumL2 += w * l * l;
        }
        float scale = sumL2 != 0 ? sumLX / sumL2 : 0;
        float best = scale * sumLX;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumLX = 0;
            sumL2 = 0;
            for (int i = 0; i < n; i++) {
                float v = x[xo + i];
                int l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
                float w = v * v;
                sumLX += w * v * l;
                sumL2 += w * l * l;
            }
            if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
                for (int i = 0; i < n; i++) L[lo + i] = (byte) (nmax + clamp(nearestInt(iscale * x[xo + i]), -nmax, nmax - 1));
                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }
        return scale;
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
