package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q4_1, 32 values in 20 bytes: {@code d}, {@code m} (f16) then 16 bytes {@code qs}; value
 * {@code j < 16} is {@code d * (qs[j] & 0xF) + m}, value {@code j + 16} uses {@code qs[j] >> 4}.
 */
final class Q4_1Format extends BlockwiseFormat {
    Q4_1Format() { super(GgmlType.Q4_1); }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = Le.f16(src, p), m = Le.f16(src, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = Le.u8(src, p + 4 + j);
            dst[o + j] = (q & 0xF) * d + m;
            dst[o + j + 16] = (q >> 4) * d + m;
        }
    }
}
