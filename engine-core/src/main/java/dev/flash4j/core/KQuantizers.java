package dev.flash4j.core;

/**
 * Block quantizers of Q4_K, Q5_K and Q6_K following llama.cpp's reference quantizers (the ones
 * llama-quantize uses without an importance matrix); layouts as in {@link Q4KFormat},
 * {@link Q5KFormat} and {@link Q6KFormat}.
 */
final class KQuantizers {
    private KQuantizers() {}

    /**
     * Levels {@code L[0..256)} and the f16 super-scales of a Q4_K/Q5_K block: each sub-block of 32
     * gets a weighted scale/min search ({@link ScaleSearch#asymmetric}, weights {@code rms + |x|}),
     * the eight scales and mins are quantized to 6 bits against the largest, and the levels are
     * then recomputed with the quantized scales. Writes d, dmin and the 12 scale bytes to
     * {@code out[o..o+16)}.
     */
    private static void asymmetricBlock(float[] x, int xo, int nmax, float rmin, int nstep, byte[] L, byte[] out, int o) {
        float[] weights = new float[32];
        float[] scales = new float[8], mins = new float[8], minOut = new float[1];
        float maxScale = 0, maxMin = 0;
        for (int j = 0; j < 8; j++) {
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) sumX2 += x[xo + 32 * j + l] * x[xo + 32 * j + l];
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(x[xo + 32 * j + l]);
            scales[j] = ScaleSearch.asymmetric(32, nmax, x, xo + 32 * j, weights, L, 32 * j, minOut, rmin, 0.1f, nstep);
            mins[j] = minOut[0];
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        int[] ls = new int[8], lm = new int[8];
        for (int j = 0; j < 8; j++) {
            ls[j] = Math.min(63, ScaleSearch.nearestInt(invScale * scales[j]));
            lm[j] = Math.min(63, ScaleSearch.nearestInt(invMin * mins[j]));
        }
        LegacyQuantizers.putF16(out, o, maxScale / 63.f);
        LegacyQuantizers.putF16(out, o + 2, maxMin / 63.f);
        KScales.pack(ls, lm, out, o + 4);
        float d = Float.float16ToFloat(Float.floatToFloat16(maxScale / 63.f));
        float dmin = Float.float16ToFloat(Float.floatToFloat16(maxMin / 63.f));
        for (int j = 0; j < 8; j++) {
            float dj = d * ls[j];
            if (dj == 0) continue;
            float dm = dmin * lm[j];
            for (int ii = 0; ii < 32; ii++) {
                int l = ScaleSearch.nearestInt((x[xo + 32 * j + ii] + dm) / dj);
                L[32 * j + ii] = (byte) ScaleSearch.clamp(l, 0, nmax);
            }
        }
    }

    /** Q4_K: 4-bit levels; chunk c of 32 bytes holds sub-block 2c in low nibbles, 2c+1 in high nibbles. */
    static void q4_K(float[] x, int xo, byte[] out, int o) {
        byte[] L = new byte[256];
        asymmetricBlock(x, xo, 15, -1.f, 20, L, out, o);
        for (int c = 0; c < 4; c++)
            for (int l = 0; l < 32; l++) out[o + 16 + 32 * c + l] = (byte) (L[64 * c + l] | (L[64 * c + 32 + l] << 4));
    }

    /** Q5_K: as Q4_K plus bit 4 of sub-block s's level l in bit s of qh[l]. */
    static void q5_K(float[] x, int xo, byte[] out, int o) {
        byte[] L = new byte[256];
        asymmetricBlock(x, xo, 31, -0.5f, 15, L, out, o);
        for (int l = 0; l < 32; l++) out[o + 16 + l] = 0;
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int l1 = L[64 * c + l], l2 = L[64 * c + 32 + l];
                int h = out[o + 16 + l];
                if (l1 > 15) { l1 -= 16; h |= 1 << (2 * c); }
                if (l2 > 15) { l2 -= 16; h |= 1 << (2 * c + 1); }
                out[o + 16 + l] = (byte) h;
                out[o + 48 + 32 * c + l] = (byte) (l1 | (l2 << 4));
            }
        }
    }

    /**
     * Q6_K: a symmetric search per 16 values ({@link ScaleSearch#symmetric}, levels -32..31), the 16
     * scales quantized to int8 against the largest-magnitude one, then levels recomputed.
     */
    static void q6_K(float[] x, int xo, byte[] out, int o) {
        byte[] L = new byte[256];
        float[] scales = new float[16];
        float maxScale = 0, maxAbsScale = 0;
        for (int ib = 0; ib < 16; ib++) {
            float s = ScaleSearch.symmetric(16, 32, x, xo + 16 * ib, L, 16 * ib);
            scales[ib] = s;
            if (Math.abs(s) > maxAbsScale) {
                maxAbsScale = Math.abs(s);
                maxScale = s;
            }
        }
        java.util.Arrays.fill(out, o, o + 210, (byte) 0);
        if (maxAbsScale < 1e-15f) return; // all-zero block, d = 0
        float iscale = -128.f / maxScale;
        LegacyQuantizers.putF16(out, o + 208, 1 / iscale);
        float d = Float.float16ToFloat(Float.floatToFloat16(1 / iscale));
        for (int ib = 0; ib < 16; ib++) out[o + 192 + ib] = (byte) Math.min(127, ScaleSearch.nearestInt(iscale * scales[ib]));
        for (int j = 0; j < 16; j++) {
            float dj = d * out[o + 192 + j];
            if (dj == 0) continue;
            for (int ii = 0; ii < 16; ii++) {
                int l = ScaleSearch.clamp(ScaleSearch.nearestInt(x[xo + 16 * j + ii] / dj), -32, 31);
                L[16 * j + ii] = (byte) (l + 32);
            }
        }
        for (int half = 0; half < 2; half++) {
            int ql = o + 64 * half, qh = o + 128 + 32 * half, lb = 128 * half;
            for (int l = 0; l < 32; l++) {
                int q1 = L[lb + l], q2 = L[lb + l + 32], q3 = L[lb + l + 64], q4 = L[lb + l + 96];
                out[ql + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                out[ql + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                out[qh + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
    }
}
