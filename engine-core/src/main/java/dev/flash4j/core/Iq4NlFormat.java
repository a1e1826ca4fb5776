package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_NL, 32 values in 18 bytes: {@code d} (f16) then 16 bytes of 4-bit indexes into the
 * non-linear {@link Iq4Table}; value {@code j < 16} uses the low nibble of {@code qs[j]},
 * value {@code j + 16} its high nibble.
 */
final class Iq4NlFormat extends BlockwiseFormat {
    Iq4NlFormat() { super(GgmlType.IQ4_NL); }

    @Override
    void decodeBlock(MemorySegment src, long p, float[] dst, int o) {
        float d = Le.f16(src, p);
        for (int j = 0; j < 16; j++) {
            int q = Le.u8(src, p + 2 + j);
            dst[o + j] = d * Iq4Table.level(q & 0xF);
            dst[o + j + 16] = d * Iq4Table.level(q >> 4);
        }
    }
}
