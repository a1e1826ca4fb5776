package dev.flash4j.core;

import java.lang.foreign.MemorySegment;

/**
 * The 12-byte packed scales of Q4_K and Q5_K: eight 6-bit scales and eight 6-bit mins.
 * For {@code j < 4}: scale = {@code q[j] & 63}, min = {@code q[j+4] & 63}. For {@code j >= 4}
 * the low 4 bits sit in {@code q[j+4]} (scale low nibble, min high nibble) and the top 2 bits in
 * the top bits of {@code q[j-4]} (scale) and {@code q[j]} (min).
 */
final class KScales {
    private KScales() {}

    static int scale(MemorySegment s, long q, int j) {
        if (j < 4) return Le.u8(s, q + j) & 63;
        return (Le.u8(s, q + j + 4) & 0xF) | ((Le.u8(s, q + j - 4) >> 6) << 4);
    }

    static int min(MemorySegment s, long q, int j) {
        if (j < 4) return Le.u8(s, q + j + 4) & 63;
        return (Le.u8(s, q + j + 4) >> 4) | ((Le.u8(s, q + j) >> 6) << 4);
    }

    /**
     * All 8 scales of the 12 bytes whose first three little-endian ints are {@code a0, a1, a2}, one
     * per byte of the result (sub-block j in bits 8j..8j+7). Three int loads and a few bit
     * operations instead of 16 byte reads keep the compiled dot kernels small.
     */
    static long scales(int a0, int a1, int a2) {
        long lo = a0 & 0x3F3F3F3F;
        long hi = (a2 & 0x0F0F0F0F) | (((a0 >>> 6) & 0x03030303) << 4);
        return lo | (hi << 32);
    }

    /** All 8 mins, laid out as {@link #scales}. */
    static long mins(int a0, int a1, int a2) {
        long lo = a1 & 0x3F3F3F3F;
        long hi = ((a2 >>> 4) & 0x0F0F0F0F) | (((a1 >>> 6) & 0x03030303) << 4);
        return lo | (hi << 32);
    }

    /** Packs scale {@code sc[j]} and min {@code mn[j]} (each 0..63) into 12 bytes {@code out[o..]}. */
    static void pack(int[] sc, int[] mn, byte[] out, int o) {
        for (int j = 0; j < 12; j++) out[o + j] = 0;
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                out[o + j] = (byte) sc[j];
                out[o + j + 4] = (byte) mn[j];
            } else {
                out[o + j + 4] = (byte) ((sc[j] & 0xF) | ((mn[j] & 0xF) << 4));
                out[o + j - 4] |= (byte) ((sc[j] >> 4) << 6);
                out[o + j] |= (byte) ((mn[j] >> 4) << 6);
            }
        }
    }
}
