package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q2_K, 256 values in 84 bytes: {@code scales[16]} (low nibble scale, high nibble min, one pair per
 * 16 values), {@code qs[64]} (2-bit), {@code d}, {@code dmin} (f16). Value = {@code d*sc*q - dmin*m}.
 * Each half of 128 values uses 32 bytes of {@code qs}: shift {@code 2j} ({@code j = 0..3}) of bytes
 * 0..15 gives 16 values, of bytes 16..31 the next 16, each run with its own scale byte.
 */
final class Q2KFormat extends BlockwiseFormat {
    Q2KFormat() { super(GgmlType.Q2_K); }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = Le.f16(src, p + 80), dmin = Le.f16(src, p + 82);
        int is = 0, y = o;
        for (int half = 0; half < 2; half++) {
            long q = p + 16 + 32 * half;
            for (int j = 0; j < 4; j++) {
                int shift = 2 * j;
                for (int part = 0; part < 2; part++) {
                    int sc = Le.u8(src, p + is++);
                    float dl = d * (sc & 0xF), ml = dmin * (sc >> 4);
                    for (int l = 0; l < 16; l++) dst[y++] = dl * ((Le.u8(src, q + 16 * part + l) >> shift) & 3) - ml;
                }
            }
        }
    }
}
