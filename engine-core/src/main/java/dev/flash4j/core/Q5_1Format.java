package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Q5_1, 32 values in 24 bytes: {@code d}, {@code m} (f16), {@code qh} (32 bits), 16 bytes
 * {@code qs}; the 5-bit {@code q} is assembled as in Q5_0 and the value is {@code d * q + m}.
 */
final class Q5_1Format extends BlockwiseFormat {
    Q5_1Format() { super(GgmlType.Q5_1); }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = Le.f16(src, p), m = Le.f16(src, p + 2);
        int qh = Le.i32(src, p + 4);
        for (int j = 0; j < 16; j++) {
            int q = Le.u8(src, p + 8 + j);
            int lo = (q & 0xF) | (((qh >>> j) & 1) << 4);
            int hi = (q >> 4) | (((qh >>> (j + 16)) & 1) << 4);
            dst[o + j] = lo * d + m;
            dst[o + j + 16] = hi * d + m;
        }
    }
}
