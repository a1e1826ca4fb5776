package dev.flash4j.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The metadata value types of GGUF, with their ids and fixed sizes (0 for variable-size types). */
public enum GgufValueType {
    UINT8(0, 1), INT8(1, 1), UINT16(2, 2), INT16(3, 2), UINT32(4, 4), INT32(5, 4), FLOAT32(6, 4), BOOL(7, 1),
    STRING(8, 0), ARRAY(9, 0), UINT64(10, 8), INT64(11, 8), FLOAT64(12, 8);

    private final int id;
    private final int size;

    GgufValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    public int id() { return id; }

    /** Size in bytes of one value, or 0 for STRING and ARRAY. */
    public int size() { return size; }

    /** The smallest number of bytes one value of this type can take in a file. */
    int minEncodedSize() {
        return switch (this) {
            case STRING -> 8;
            case ARRAY -> 12;
            default -> size;
        };
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /**
     * The fixed-size value of this type at {@code offset} (little-endian), boxed as
     * {@link GgufMetadata} holds it: integers as {@code Long} (unsigned ones widened), floats as
     * {@code Float} or {@code Double}, BOOL true for any non-zero byte (as llama.cpp reads it).
     * The caller has checked that {@link #size()} bytes are there.
     */
    Object read(MemorySegment seg, long offset) {
        return switch (this) {
            case UINT8 -> (long) Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, offset));
            case INT8 -> (long) seg.get(ValueLayout.JAVA_BYTE, offset);
            case BOOL -> seg.get(ValueLayout.JAVA_BYTE, offset) != 0;
            case UINT16 -> (long) Short.toUnsignedInt(seg.get(Layouts.I16, offset));
            case INT16 -> (long) seg.get(Layouts.I16, offset);
            case UINT32 -> Integer.toUnsignedLong(seg.get(Layouts.I32, offset));
            case INT32 -> (long) seg.get(Layouts.I32, offset);
            case UINT64, INT64 -> seg.get(Layouts.I64, offset);
            case FLOAT32 -> seg.get(Layouts.F32, offset);
            case FLOAT64 -> seg.get(Layouts.F64, offset);
            case STRING, ARRAY -> throw new IllegalStateException(this + " has no fixed size");
        };
    }

    /** Little-endian, unaligned: GGUF packs its values without padding. */
    private static final class Layouts {
        static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    }

    public static GgufValueType byId(long id) {
        for (GgufValueType t : values()) if (t.id == id) return t;
        return null;
    }
}
