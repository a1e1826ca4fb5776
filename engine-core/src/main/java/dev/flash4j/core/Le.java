package dev.flash4j.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian, unaligned reads of the scalar fields inside ggml blocks. Block fields sit at odd
 * offsets (a Q8_0 block is 34 bytes), so every layout here is the unaligned variant.
 */
final class Le {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Le() {}

    /** The IEEE half at {@code off}, widened to float (exact). */
    static float f16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(SHORT, off));
    }

    /** The byte at {@code off} as an unsigned value 0..255. */
    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /** The byte at {@code off} as a signed value -128..127. */
    static int s8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off);
    }

    static int u16(MemorySegment s, long off) {
        return s.get(SHORT, off) & 0xFFFF;
    }

    static int i32(MemorySegment s, long off) {
        return s.get(INT, off);
    }

    static long i64(MemorySegment s, long off) {
        return s.get(LONG, off);
    }
}
