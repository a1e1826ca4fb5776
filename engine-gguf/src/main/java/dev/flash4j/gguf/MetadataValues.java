package dev.flash4j.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Checking, normalizing and encoding metadata values for {@link GgufWriter}. */
final class MetadataValues {
    private MetadataValues() {}

    /** llama.cpp reads general.alignment with gguf_get_val_u32, which aborts on any other type: only UINT32 is written. */
    static int alignment(GgufValueType type, Object v) {
        if (type != GgufValueType.UINT32 || !(v instanceof Long l) || l <= 0 || l > (1 << 30) || Long.bitCount(l) != 1) {
            throw new IllegalArgumentException("general.alignment must be a UINT32 power of two up to 2^30, not " + v + " (" + type + ")");
        }
        return (int) (long) l;
    }

    static Object normalize(String key, GgufValueType type, Object value, int depth) {
        Objects.requireNonNull(type, "type");
        if (value == null) throw new IllegalArgumentException("metadata '" + key + "': null value");
        if (depth > GgufParser.MAX_ARRAY_DEPTH) throw new IllegalArgumentException("metadata '" + key + "': arrays nested deeper than " + GgufParser.MAX_ARRAY_DEPTH);
        switch (type) {
            case STRING:
                if (value instanceof String s) return s;
                break;
            case BOOL:
                if (value instanceof Boolean b) return b;
                break;
            case FLOAT32:
                if (value instanceof Number n) return n.floatValue();
                break;
            case FLOAT64:
                if (value instanceof Number n) return n.doubleValue();
                break;
            case ARRAY:
                if (value instanceof GgufArray a) {
                    if (a.isStoredBytes()) return a; // read from a file: already normalized
                    List<Object> out = new ArrayList<>(a.size());
                    for (Object e : a.values()) out.add(normalize(key, a.elementType(), e, depth + 1));
                    return new GgufArray(a.elementType(), out);
                }
                break;
            default: // integers
                if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    long l = ((Number) value).longValue();
                    long lo = switch (type) {
                        case UINT8, UINT16, UINT32 -> 0;
                        case INT8 -> Byte.MIN_VALUE;
                        case INT16 -> Short.MIN_VALUE;
                        case INT32 -> Integer.MIN_VALUE;
                        default -> Long.MIN_VALUE; // INT64; UINT64 takes two's complement
                    };
                    long hi = switch (type) {
                        case UINT8 -> 0xff;
                        case INT8 -> Byte.MAX_VALUE;
                        case UINT16 -> 0xffff;
                        case INT16 -> Short.MAX_VALUE;
                        case UINT32 -> 0xffff_ffffL;
                        case INT32 -> Integer.MAX_VALUE;
                        default -> Long.MAX_VALUE;
                    };
                    if (l < lo || l > hi) throw new IllegalArgumentException("metadata '" + key + "': " + l + " does not fit " + type);
                    return l;
                }
                break;
        }
        throw new IllegalArgumentException("metadata '" + key + "': " + value.getClass().getSimpleName() + " " + value + " is not a " + type + " value");
    }

    static void encode(HeaderBuffer h, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8 -> h.u8((int) (long) (Long) v);
            case UINT16, INT16 -> h.u16((int) (long) (Long) v);
            case UINT32, INT32 -> h.u32((int) (long) (Long) v);
            case UINT64, INT64 -> h.u64((Long) v);
            case FLOAT32 -> h.f32((Float) v);
            case FLOAT64 -> h.f64((Double) v);
            case BOOL -> h.u8((Boolean) v ? 1 : 0);
            case STRING -> h.string((String) v);
            case ARRAY -> {
                GgufArray a = (GgufArray) v;
                h.u32(a.elementType().id());
                h.u64(a.size());
                for (Object e : a.values()) encode(h, a.elementType(), e);
            }
        }
    }
}
