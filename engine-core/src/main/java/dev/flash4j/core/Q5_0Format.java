package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q5_0, 32 values in 22 bytes: {@code d} (f16), {@code qh} (32 bits, little-endian: bit j is the
 * fifth bit of value j), 16 bytes {@code qs} (nibbles as in Q4_0). Value = {@code d * (q - 16)}.
 */
final class Q5_0Format extends BlockwiseFormat {
    Q5_0Format() { super(GgmlType.Q5_0); }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = Le.f16(src, p);
        int qh = Le.i32(src, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = Le.u8(src, p + 6 + j);
            int lo = (q & 0xF) | (((qh >>> j) & 1) << 4);
            int hi = (q >> 4) | (((qh >>> (j + 16)) & 1) << 4);
            dst[o + j] = (lo - 16) * d;
            dst[o + j + 16] = (hi - 16) * d;
        }
    }
}
