package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q3_K, 256 values in 110 bytes: {@code hmask[32]}, {@code qs[64]} (low 2 bits), {@code scales[12]}
 * (sixteen 6-bit scales, offset by 32), {@code d} (f16). Value = {@code d*(sc-32) * (q2 - (hbit ? 0 : 4))}.
 * The 2-bit runs are ordered as in Q2_K; run {@code j} of half {@code h} takes its high bit from bit
 * {@code 4h+j} of {@code hmask[l]} (or {@code hmask[l+16]} for the second 16 values).
 * Scales: scale {@code i < 8} has low 4 bits in the low nibble of byte {@code i}, {@code 8 <= i < 16}
 * in the high nibble of byte {@code i-8}; the top 2 bits of scale {@code i} are bits
 * {@code 2*(i/4)} of byte {@code 8 + i%4}.
 */
final class Q3KFormat extends BlockwiseFormat {
    Q3KFormat() { super(GgmlType.Q3_K); }

    static int scale(MemorySegment src, long sc, int i) {
        int low = i < 8 ? Le.u8(src, sc + i) & 0xF : Le.u8(src, sc + i - 8) >> 4;
        int high = (Le.u8(src, sc + 8 + i % 4) >> (2 * (i / 4))) & 3;
        return (low | (high << 4)) - 32;
    }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = Le.f16(src, p + 108);
        long hm = p, sc = p + 96;
        int is = 0, y = o, m = 1;
        for (int half = 0; half < 2; half++) {
            long q = p + 32 + 32 * half;
            for (int j = 0; j < 4; j++) {
                int shift = 2 * j;
                for (int part = 0; part < 2; part++) {
                    float dl = d * scale(src, sc, is++);
                    for (int l = 0; l < 16; l++) {
                        int q2 = (Le.u8(src, q + 16 * part + l) >> shift) & 3;
                        int sub = (Le.u8(src, hm + 16 * part + l) & m) != 0 ? 0 : 4;
                        dst[y++] = dl * (q2 - sub);
                    }
                }
                m <<= 1;
            }
        }
    }
}
