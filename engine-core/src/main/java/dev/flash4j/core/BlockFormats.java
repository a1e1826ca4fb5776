package dev.flash4j.core;

import dev.flash4j.gguf.GgmlType;

import java.util.EnumMap;
import java.util.Map;

/** The kernels of every supported ggml type. */
public final class BlockFormats {
    private static final Map<GgmlType, BlockFormat> FORMATS = new EnumMap<>(GgmlType.class);

    static {
        register(new F32Format());
        register(new F16Format());
    }

    private BlockFormats() {}

    private static void register(BlockFormat f) {
        FORMATS.put(f.type(), f);
    }

    /** Whether {@link #of} has kernels for {@code type}. */
    public static boolean supports(GgmlType type) {
        return FORMATS.containsKey(type);
    }

    /** The kernels of {@code type}; an {@link UnsupportedOperationException} names a type without them. */
    public static BlockFormat of(GgmlType type) {
        BlockFormat f = FORMATS.get(type);
        if (f == null) throw new UnsupportedOperationException("tensor type " + type + " is not supported (supported: " + FORMATS.keySet() + ")");
        return f;
    }
}
