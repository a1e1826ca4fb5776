package dev.flash4j.core;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector half/bfloat16 widening against the JDK's scalar conversion, for every 16-bit pattern. */
class HalfConversionTest {
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static MemorySegment allPatterns() {
        MemorySegment s = MemorySegment.ofArray(new byte[2 * 65536 + 1]);
        for (int h = 0; h < 65536; h++) s.set(LE, 1 + 2L * h, (short) h); // odd offset: unaligned reads
        return s;
    }

    @Test
    void halvesWidenExactlyIncludingSubnormalsInfinitiesAndNaNs() {
        MemorySegment s = allPatterns();
        float[] lanes = new float[8];
        for (int h = 0; h < 65536; h += 8) {
            Vec.halves8(s, 1 + 2L * h).intoArray(lanes, 0);
            for (int i = 0; i < 8; i++) {
                float want = Float.float16ToFloat((short) (h + i));
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(lanes[i]), "half 0x" + Integer.toHexString(h + i));
            }
        }
    }

    @Test
    void bfloat16WidensToTheTopHalfOfAFloat() {
        MemorySegment s = allPatterns();
        float[] lanes = new float[8];
        for (int h = 0; h < 65536; h += 8) {
            Vec.bf16x8(s, 1 + 2L * h).intoArray(lanes, 0);
            for (int i = 0; i < 8; i++) assertEquals((h + i) << 16, Float.floatToRawIntBits(lanes[i]));
        }
    }
}
