package dev.flash4j.core;

/**
 * Block quantizers of the 32-value formats, following ggml's reference quantizers
 * ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}); layouts as in {@link Q8_0Format}
 * and {@link Q4_0Format}.
 */
final class LegacyQuantizers {
    private LegacyQuantizers() {}

    /** C's {@code roundf}: half away from zero. */
    private static int roundAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    /** Q8_0: {@code d = max|x| / 127}, {@code q = round(x / d)}. */
    static void q8_0(float[] x, int xo, byte[] out, int o) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[xo + j]));
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putF16(out, o, d);
        for (int j = 0; j < 32; j++) out[o + 2 + j] = (byte) roundAway(x[xo + j] * id);
    }

    /**
     * Q4_0: the value of largest magnitude maps to level -8 ({@code d = max / -8}), so the sign of
     * {@code d} puts the extreme at the end of the range with more room.
     */
    static void q4_0(float[] x, int xo, byte[] out, int o) {
        float amax = 0, max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[xo + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putF16(out, o, d);
        for (int j = 0; j < 16; j++) {
            int q0 = Math.min(15, (int) (byte) (int) (x[xo + j] * id + 8.5f));
            int q1 = Math.min(15, (int) (byte) (int) (x[xo + 16 + j] * id + 8.5f));
            out[o + 2 + j] = (byte) (q0 | (q1 << 4));
        }
    }

    static void putF16(byte[] out, int o, float v) {
        short h = Float.floatToFloat16(v);
        out[o] = (byte) h;
        out[o + 1] = (byte) (h >> 8);
    }
}
