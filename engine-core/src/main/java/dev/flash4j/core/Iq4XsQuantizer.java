package dev.flash4j.core;

/**
 * The IQ4_XS block quantizer (layout in {@link Iq4XsFormat}), following ggml's reference
 * ({@code quantize_row_iq4_xs_ref}, no importance matrix): per 32-value sub-block, the scale whose
 * non-linear levels ({@link Iq4Table}) fit the values best in a weighted least-squares sense
 * (weights {@code x^2}), searched over 15 starting scales around the one that maps the value of
 * largest magnitude to the extreme level; then the eight scales are quantized to 6 bits against
 * one f16 super-block scale, and every value is given the nearest level under its final scale.
 */
final class Iq4XsQuantizer {
    /** Scales tried on either side of the first guess ({@code ntry} in ggml). */
    private static final int TRIES = 7;
    /** Sub-blocks whose largest magnitude is below this get scale 0 (ggml's {@code GROUP_MAX_EPS}). */
    private static final float EPS = 1e-15f;

    private Iq4XsQuantizer() {}

    /** The level index nearest {@code x} (levels ascending; ties to the upper one, as ggml's {@code best_index_int8}). */
    static int nearestLevel(float x) {
        if (x <= Iq4Table.level(0)) return 0;
        if (x >= Iq4Table.level(15)) return 15;
        int lo = 0, hi = 15;
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            if (x < Iq4Table.level(mid)) hi = mid;
            else lo = mid;
        }
        return x - Iq4Table.level(hi - 1) < Iq4Table.level(hi) - x ? hi - 1 : hi;
    }

    /** One block of 256 values {@code x[xo ..]} into {@code out[o .. o+136)}. */
    static void block(float[] x, int xo, byte[] out, int o) {
        float[] scales = new float[8];
        float maxScale = 0, amaxScale = 0;
        for (int ib = 0; ib < 8; ib++) {
            scales[ib] = subBlockScale(x, xo + 32 * ib);
            if (Math.abs(scales[ib]) > amaxScale) {
                amaxScale = Math.abs(scales[ib]);
                maxScale = scales[ib];
            }
        }
        // the super-block scale maps the largest sub-block scale to -32 (6-bit scales run -32..31)
        float d = -maxScale / 32;
        float id = d != 0 ? 1 / d : 0;
        LegacyQuantizers.putF16(out, o, d);
        int scalesL = 0, scalesH = 0;
        for (int ib = 0; ib < 8; ib++) {
            int l = ScaleSearch.clamp(ScaleSearch.nearestInt(id * scales[ib]), -32, 31);
            float dl = d * l, idl = dl != 0 ? 1 / dl : 0;
            int xb = xo + 32 * ib;
            for (int j = 0; j < 16; j++) {
                int lo = nearestLevel(idl * x[xb + j]), hi = nearestLevel(idl * x[xb + 16 + j]);
                out[o + 8 + 16 * ib + j] = (byte) (lo | hi << 4);
            }
            l += 32;
            scalesL |= (l & 0xF) << (4 * ib);
            scalesH |= (l >> 4) << (2 * ib);
        }
        out[o + 2] = (byte) scalesH;
        out[o + 3] = (byte) (scalesH >> 8);
        for (int k = 0; k < 4; k++) out[o + 4 + k] = (byte) (scalesL >> (8 * k));
    }

    /** The best scale of the 32 values {@code x[xo ..]} (weighted least squares over the levels). */
    private static float subBlockScale(float[] x, int xo) {
        float amax = 0, max = 0;
        for (int j = 0; j < 32; j++) {
            float a = Math.abs(x[xo + j]);
            if (a > amax) {
                amax = a;
                max = x[xo + j];
            }
        }
        if (amax < EPS) return 0;
        // candidate 0, the first guess: d = max / 127, the value of largest magnitude to 127 (just
        // past the top level, 113), refitted by least squares and taken as it comes; then
        // candidates 1 .. 2*TRIES+1, id = (t - 127) / max for t = -TRIES .. TRIES, each taken if its
        // refit explains more (sumqx^2 / sumq2 larger)
        float d = 0, best = 0;
        for (int k = 0; k <= 2 * TRIES + 1; k++) {
            float id = k == 0 ? -Iq4Table.level(0) / max : (k - 1 - TRIES + Iq4Table.level(0)) / max;
            float sumqx = 0, sumq2 = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[xo + j], w = v * v, q = Iq4Table.level(nearestLevel(id * v));
                sumqx += w * q * v;
                sumq2 += w * q * q;
            }
            if (sumq2 > 0 && (k == 0 || sumqx * sumqx > best * sumq2)) {
                d = sumqx / sumq2;
                best = d * sumqx;
            }
        }
        return d;
    }
}
