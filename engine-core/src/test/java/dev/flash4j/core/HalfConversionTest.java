package dev.flash4j.core;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector half (in the F16 dot) and bfloat16 widening against the JDK's scalar conversion, for every 16-bit pattern. */
class HalfConversionTest {
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static MemorySegment allPatterns() {
        MemorySegment s = MemorySegment.ofArray(new byte[2 * 65536 + 1]);
        for (int h = 0; h < 65536; h++) s.set(LE, 1 + 2L * h, (short) h); // odd offset: unaligned reads
        return s;
    }

    @Test
    void theF16DotWidensEveryHalfExactly() {
        // each pattern alone in a row of 16 halves (the others +0), at lane 0 and at lane 8 (the dot's
        // two conversions per step), times the one-hot activation at the same lane
        MemorySegment s = MemorySegment.ofArray(new byte[32 + 1]);
        F16Format f16 = new F16Format();
        for (int lane : new int[] {0, 8}) {
            float[] x = new float[16];
            x[lane] = 1;
            for (int h = 0; h < 65536; h++) {
                s.set(LE, 1 + 2L * lane, (short) h); // odd offset: unaligned reads
                float got = f16.dot(s, 1, x, 0, 16), want = Float.float16ToFloat((short) h);
                String what = "half 0x" + Integer.toHexString(h) + " at lane " + lane;
                if (Float.isNaN(want)) assertEquals(true, Float.isNaN(got), what);
                else if (want == 0) assertEquals(0f, got, what); // -0 + 0 is +0
                else assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what);
            }
            s.set(LE, 1 + 2L * lane, (short) 0);
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
